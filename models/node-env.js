// Node-only tfjs setup for the scripts: silence the "install tfjs-node" banner (tfjs-node
// cannot be used here) and pick the pure-JS CPU backend the Worker also uses.
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./load.js";

tf.env().set("PROD", true);
await initBackend();
