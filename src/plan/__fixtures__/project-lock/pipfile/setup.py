from setuptools import setup

setup(
    name="requests",
    version="2.19.1",
    packages=["requests"],
    install_requires=["chardet>=3.0.2,<3.1.0", "idna>=2.5,<2.8", "urllib3>=1.21.1,<1.24", "certifi>=2017.4.17"],
    tests_require=["pytest-httpbin==0.0.7"],
)
