#!/usr/bin/env node
import "../dist/dhtl.js";
