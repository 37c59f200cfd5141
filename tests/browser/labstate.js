// Read JupyterLab's state from its own models (window.jupyterapp, exposed by the test
// server's --LabApp.expose_app_in_browser), not from the DOM: the toolbar's kernel
// indicator says "idle" before any kernel exists, and an exception renders exactly like
// a warning (both as application/vnd.jupyter.stderr). Installed as an init script by
// tests/browser/conftest.py; every function is safe to call while the page still loads.
window.__labstate = {
  // The visible notebook panel, or undefined.
  panel() {
    const app = window.jupyterapp;
    return app && [...app.shell.widgets('main')]
      .find(w => w.isVisible && w.content?.model?.cells);
  },

  // Every code cell: index, has source, execution count, running (or queued), errors.
  cells() {
    const panel = this.panel();
    if (!panel) return null;
    const cells = [];
    const list = panel.content.model.cells;
    for (let i = 0; i < list.length; i++) {
      const cell = list.get(i);
      if (cell.type !== 'code') continue;
      // executionState exists from JupyterLab 4.1 on; the prompt "[*]:" (queued or running)
      // in every 4.x
      const prompt = panel.content.widgets[i]?.node.querySelector('.jp-InputPrompt');
      cells.push({
        cell: i,
        hasSource: cell.sharedModel.getSource().trim() !== '',
        count: cell.executionCount,
        running: cell.executionState === 'running' || !!prompt?.textContent.includes('*'),
        errors: cell.outputs.toJSON().filter(o => o.output_type === 'error')
          .map(o => ({ename: o.ename, evalue: o.evalue})),
      });
    }
    return cells;
  },

  // 'dialog' if JupyterLab asks something, 'ready' for a connected idle kernel, else false.
  kernelState() {
    if (document.querySelector('.jp-Dialog')) return 'dialog';
    const kernel = this.panel()?.sessionContext.session?.kernel;
    return kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'
      ? 'ready' : false;
  },

  // Run All, started when the highest execution count was `before`, has finished:
  // kernel idle, no cell running or queued, and some cell counted above `before`.
  runFinished(before) {
    const kernel = this.panel()?.sessionContext.session?.kernel;
    const cells = this.cells();
    return !!cells && kernel?.status === 'idle' && !cells.some(c => c.running)
      && Math.max(0, ...cells.map(c => c.count || 0)) > before;
  },

  // The first element matching `selector` shows a number within `rel` of `expected`.
  numberIs(selector, expected, rel) {
    const el = document.querySelector(selector);
    if (!el) return false;
    return Math.abs(parseFloat(el.textContent) - expected) <= rel * Math.abs(expected);
  },
};
