"""A greeting in colour: proof that the environment dhtl built works."""

from rich.console import Console


def greeting(name: str = "world") -> str:
    return f"Hello, {name}!"


def main() -> None:
    Console().print(f"[bold green]{greeting()}[/] (from the environment dhtl built)")
