import nox

PYTHONS = ["3.9", "3.10"]


@nox.session(python=PYTHONS)
def tests(session):
    session.install("-r", "requirements.txt")


@nox.session(python="3.12")
def docs(session):
    pass
