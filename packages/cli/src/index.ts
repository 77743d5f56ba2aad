export { buildProgram } from './program.js';
export { formatError } from './fail.js';
