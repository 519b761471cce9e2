/**
 * A second process on a store, for the tests of the PGlite lock and of
 * durability: `node --import tsx test/db/store-child.ts <mode>` with the
 * settings as JSON in STORE_SETTINGS.
 *   open    opens the store, prints "open", waits to be killed
 *   exit    opens the store, prints "open" and exits without closing it
 *   insert  inserts labels k0, k1, … each in its own committed transaction,
 *           printing "ack <n>" after each commit, until killed
 * A failure to open prints the error's message on stderr and exits with 1.
 */
import type { DatabaseSettings } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';

const mode = process.argv[2];
const settings = JSON.parse(process.env.STORE_SETTINGS ?? '{}') as DatabaseSettings;

try {
  const db = await openDatabase(settings);
  process.stdout.write('open\n');
  if (mode === 'exit') process.exit(0);
  if (mode === 'insert') {
    for (let n = 0; ; n++) {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO labels (key, label, time) VALUES ($1, $2, $3)', [`k${n}`, String(n % 10), new Date()]);
        await tx.query('INSERT INTO label_history (key, label, time) VALUES ($1, $2, $3)', [`k${n}`, String(n % 10), new Date()]);
      });
      process.stdout.write(`ack ${n}\n`);
    }
  }
  setInterval(() => {}, 60_000);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
