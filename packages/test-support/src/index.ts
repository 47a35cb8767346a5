export { pythonJson, pythonWith, tensorstorePython, zarrPython } from "./python-peer.js";
