// Entry of a batch pool thread. Workers do not inherit the TypeScript loader
// of the main thread, so register it here, then load the real code.
import { register } from 'tsx/esm/api';

register();
await import('./pool-thread.ts');
