from hello_app import greeting


def test_greeting() -> None:
    assert greeting("dhtl") == "Hello, dhtl!"
