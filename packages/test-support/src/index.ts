export { pythonWith, tensorstorePython } from "./python-peer.js";
