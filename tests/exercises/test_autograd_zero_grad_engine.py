"""Lesson 08's ``autograd.zero_grad`` and ``autograd.engine``: the library passes, every
named mistake is named."""

from __future__ import annotations

import pytest
from lesson08_engine import engine_namespace

from course import explain
from course.nn.autograd import Value as LibraryValue
from course.nn.graph import topological_order as _order


def topological_order(root) -> list:
    return _order([root], lambda node: node._prev)


def with_zero_grad(zero_grad):
    class Value(LibraryValue):
        pass
    Value.zero_grad = zero_grad
    return Value


def recursive(self):
    def walk(node, seen):
        if id(node) not in seen:
            seen.add(id(node))
            node.grad = 0.0
            for child in node._prev:
                walk(child, seen)
    walk(self, set())


def root_only(self):
    self.grad = 0.0


def children_only(self):
    self.grad = 0.0
    for child in self._prev:
        child.grad = 0.0


def inner_only(self):
    for node in topological_order(self):
        if node._prev:
            node.grad = 0.0


def to_none(self):
    for node in topological_order(self):
        node.grad = None


def data_too(self):
    for node in topological_order(self):
        node.grad = node.data = 0.0


MISTAKES = [(recursive, "recursive-sort"), (root_only, "root-only"),
            (children_only, "children-only"), (inner_only, "leaves-missed"),
            (to_none, "not-a-number"), (data_too, "data-reset")]


def test_the_library_value_passes_both():
    class Mine(LibraryValue):
        pass
    assert explain("autograd.zero_grad", Mine).passed
    assert explain("autograd.engine", Mine).passed


@pytest.mark.parametrize("zero_grad, mistake", MISTAKES, ids=[m[1] for m in MISTAKES])
def test_zero_grad_mistakes_are_named(zero_grad, mistake):
    result = explain("autograd.zero_grad", with_zero_grad(zero_grad))
    assert not result.passed and result.mistake == mistake, str(result)


def test_the_lesson_solution_passes_and_the_unfilled_lesson_is_not_attempted():
    assert explain("autograd.engine", engine_namespace()["Value"]).passed
    assert not explain("autograd.engine", engine_namespace("lessons")["Value"]).attempted


def test_a_value_without_relu_fails_micrograds_tests_with_a_message():
    Value = engine_namespace()["Value"]          # a class whose operations make its own kind
    del Value.relu
    result = explain("autograd.engine", Value)
    assert not result.passed and "test_sanity_check" in result.summary
    assert "relu" in result.summary


def test_a_wrong_operation_fails_micrograds_tests_with_the_numbers():
    Value = engine_namespace()["Value"]
    right = Value.__pow__
    Value.__pow__ = lambda self, k: right(self, k) * 1.5
    result = explain("autograd.engine", Value)
    assert result.mistake == "engine-test-fails" and result.learner_value
