/**
 * Imported first by each page entry (the app, the dashboard). zod probes `new Function` to compile fast
 * parsers; the content security policy forbids eval, so the probe would be
 * refused and reported as a violation. Parsing without it is fast enough for
 * the manifest and the cloud's replies.
 */
import { z } from 'zod';

z.config({ jitless: true });
