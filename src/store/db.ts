/**
 * The app's IndexedDB database: what the cache, history, outbox, feedback and
 * edge-log stores hold, and how the database is opened.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EdgeRecord } from '../core/api/evaluation';
import type { Answer } from '../core/policy/answer';

/** A request waiting for the cloud: kept until the cloud answers it. */
export interface OutboxItem {
  /** The request key; replays carry it, so the cloud sees one request however often it is sent. */
  readonly key: string;
  readonly drawingId: string;
  /** The answer shown meanwhile, which the cloud's answer will revise. */
  readonly answer: Answer;
  /** The preprocessed model input. */
  readonly input: Float32Array;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError?: string;
}

export interface CacheEntry {
  readonly cacheKey: string;
  readonly answer: Answer;
  /** Last time the entry answered or was written; the oldest are evicted first. */
  readonly usedAt: number;
}

/** The user's own label for an answer (ground truth), and whether the server has it yet. */
export interface FeedbackState {
  /** One of the pack's labels: a digit, or the reject label ("not a digit"). */
  readonly label: string;
  readonly at: number;
  readonly sent: boolean;
}

export interface HistoryEntry {
  /** One entry per drawing: later answers for the same drawing replace it. */
  readonly drawingId: string;
  readonly answer: Answer;
  readonly at: number;
  /** The model input as bytes (28x28, 0 = no ink, 255 = full ink), for a thumbnail. */
  readonly thumbnail?: Uint8Array;
  /** The user's label for this answer, when given. */
  readonly feedback?: FeedbackState;
  /** True once this answer's edge record was queued for the prediction log. */
  readonly logged?: boolean;
}

/** The user's label for an answer's key, kept until the server has it (and after, as the history shows it). */
export interface FeedbackItem {
  /** The answer's key: its edge record and its cloud call carry the same one. */
  readonly key: string;
  readonly label: string;
  readonly at: number;
  readonly sent: boolean;
  readonly attempts: number;
  readonly lastError?: string;
}

/** An edge prediction waiting to go to the server's prediction log. */
export interface EdgeLogItem {
  readonly key: string;
  readonly record: EdgeRecord;
  readonly createdAt: number;
  readonly attempts: number;
  readonly lastError?: string;
}

export interface AppSchema extends DBSchema {
  cache: { key: string; value: CacheEntry; indexes: { 'by-used': number } };
  history: { key: string; value: HistoryEntry; indexes: { 'by-time': number; 'by-key': string } };
  outbox: { key: string; value: OutboxItem; indexes: { 'by-time': number; 'by-drawing': string } };
  feedback: { key: string; value: FeedbackItem; indexes: { 'by-time': number } };
  'edge-logs': { key: string; value: EdgeLogItem; indexes: { 'by-time': number } };
}

export type AppDb = IDBPDatabase<AppSchema>;

export const DB_NAME = 'edge-cloud-digits';
export const DB_VERSION = 3;

/**
 * Opens the app's database, upgrading from whatever version this browser
 * has: each step runs once, in order, so data written by older versions stays.
 */
export async function openAppDb(name = DB_NAME, version = DB_VERSION): Promise<AppDb> {
  const db: AppDb = await openDB<AppSchema>(name, version, {
    upgrade(db, oldVersion, _newVersion, transaction) {
      if (oldVersion < 1) {
        db.createObjectStore('cache', { keyPath: 'cacheKey' }).createIndex('by-used', 'usedAt');
        db.createObjectStore('history', { keyPath: 'drawingId' }).createIndex('by-time', 'at');
      }
      if (oldVersion < 2 && version >= 2) {
        const outbox = db.createObjectStore('outbox', { keyPath: 'key' });
        outbox.createIndex('by-time', 'createdAt');
        outbox.createIndex('by-drawing', 'drawingId');
      }
      if (oldVersion < 3 && version >= 3) {
        db.createObjectStore('feedback', { keyPath: 'key' }).createIndex('by-time', 'at');
        db.createObjectStore('edge-logs', { keyPath: 'key' }).createIndex('by-time', 'createdAt');
        // An answer's entries by its key: revisions and labels find them without a scan.
        transaction.objectStore('history').createIndex('by-key', 'answer.key');
      }
    },
    blocking() {
      // A newer version of the app, in another tab, wants to upgrade: let it.
      db.close();
    },
  });
  return db;
}
