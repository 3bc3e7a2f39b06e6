# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""``gassist-build new``: scaffold a plug-in from a template."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import BuildError
from ..scaffold import TEMPLATES, answer_problem, git_author, render_template, template_questions


def _parse_answers(pairs: tuple[str, ...], known: dict[str, tuple[str, str]]) -> dict[str, str]:
    """``key=value`` arguments as a dict, each key known to the template and each value valid."""
    answers: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="ANSWERS")
        if key == "plugin_name" or key not in known:
            choices = ", ".join(k for k in known if k != "plugin_name")
            raise click.BadParameter(f"unknown key {key!r}; the template asks for {choices}",
                                     param_hint="ANSWERS")
        problem = answer_problem(key, value)
        if problem:
            raise click.BadParameter(f"{key}: {problem}", param_hint="ANSWERS")
        answers[key] = value
    return answers


def _stdin_is_terminal() -> bool:
    """Whether answers can be asked for on stdin."""
    return sys.stdin.isatty()


def _ask(key: str, prompt: str, default: str) -> str:
    """Prompt for ``key`` until the answer is valid."""
    while True:
        value = str(click.prompt(prompt, default=default))
        problem = answer_problem(key, value)
        if not problem:
            return value
        click.echo(f"  {problem}", err=True)


@click.command("new")
@click.argument("name")
@click.argument("answers", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--template", "-t", type=click.Choice(TEMPLATES), default="basic",
              show_default=True, help="basic: one command and an optional secret setting;"
              " passthrough-chat: a multi-turn conversation; service: calls an HTTP API.")
@click.option("--output-dir", "-o", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="Where to create the NAME folder.")
@click.option("--no-input", is_flag=True,
              help="Never prompt; use default values (the default when not in a terminal).")
def new_command(name: str, answers: tuple[str, ...], template: str, output_dir: Path,
                no_input: bool) -> None:
    """Create a new plug-in NAME from a template, with tests that pass.

    KEY=VALUE answers a template question on the command line, e.g.
    description="Weather by city" author="Ada"; the others are asked (or take
    their defaults with --no-input or when stdin is not a terminal).
    """
    problem = answer_problem("plugin_name", name)
    if problem:  # before any question is asked
        raise BuildError(problem)
    questions = template_questions(template)
    context = _parse_answers(answers, questions)
    author = git_author()
    if author and "author" in questions and "author" not in context:
        questions["author"] = (questions["author"][0], author)
    interactive = not no_input and _stdin_is_terminal()
    if not no_input and not interactive:
        click.echo("stdin is not a terminal: using default values (pass KEY=VALUE answers"
                   " or run in a terminal to be asked).", err=True)
    for key, (prompt, default) in questions.items():
        if key == "plugin_name" or key in context:
            continue
        context[key] = _ask(key, prompt, default) if interactive else default
    folder = render_template(name, template, output_dir, no_input=True, context=context)
    click.echo(f"Created {folder} from the {template!r} template.\n"
               f"Next: cd {folder} && pytest && gassist-build build .")
