import { runEngine } from './run-engine.js';

await runEngine();
