export { pythonWith, tensorstorePython, zarrPython } from "./python-peer.js";
