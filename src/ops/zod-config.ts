/**
 * Imported first by the dashboard's entry. zod probes `new Function` to compile
 * fast parsers; the content security policy forbids eval, so parse without it.
 */
import { z } from 'zod';

z.config({ jitless: true });
