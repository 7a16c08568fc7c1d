// Reads a SQLite database file the way a hostile operator holding a copy would: page by page,
// without SQLite, so that what it finds is what is physically there (cell positions, rowids,
// leftovers), not what SQL chooses to show. Format: https://www.sqlite.org/fileformat2.html
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type Value = null | number | bigint | string | Uint8Array;

/** One b-tree cell as stored: where it sits in the file, its rowid (tables) and its values. */
export interface Cell {
	page: number;
	offset: number;
	rowid: bigint | null;
	values: Value[];
}

export interface SchemaEntry {
	type: string;
	name: string;
	table: string;
	rootPage: number;
}

export class SqliteFile {
	readonly pageSize: number;
	readonly usable: number;
	private readonly pages = new Map<number, Uint8Array>();

	/**
	 * `bytes` is the main database file. With `wal`, the newest committed version of each page in
	 * the write-ahead log is read instead of the main file's, as SQLite itself would.
	 */
	constructor(
		readonly bytes: Uint8Array,
		wal?: Uint8Array
	) {
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const size = view.getUint16(16);
		this.pageSize = size === 1 ? 65536 : size;
		this.usable = this.pageSize - bytes[20];
		if (wal && wal.length > 32) this.overlay(wal);
	}

	static read(path: string, walPath?: string) {
		const wal = walPath && existsSync(walPath) ? readBytes(walPath) : undefined;
		return new SqliteFile(readBytes(path), wal);
	}

	/** Frames are page images; only those up to the last commit frame count. */
	private overlay(wal: Uint8Array) {
		const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
		const frame = 24 + this.pageSize;
		const pending = new Map<number, Uint8Array>();
		for (let at = 32; at + frame <= wal.length; at += frame) {
			const pageNumber = view.getUint32(at);
			const commitSize = view.getUint32(at + 4);
			pending.set(pageNumber, wal.subarray(at + 24, at + frame));
			if (commitSize > 0) {
				for (const [n, page] of pending) this.pages.set(n, page);
				pending.clear();
			}
		}
	}

	page(n: number): Uint8Array {
		return this.pages.get(n) ?? this.bytes.subarray((n - 1) * this.pageSize, n * this.pageSize);
	}

	schema(): SchemaEntry[] {
		return this.cells(1).map((c) => ({
			type: String(c.values[0]),
			name: String(c.values[1]),
			table: String(c.values[2]),
			rootPage: Number(c.values[3])
		}));
	}

	/** Every cell of the b-tree named `name` (a table or an index), in key order. */
	cellsOf(name: string): Cell[] {
		const entry = this.schema().find((e) => e.name === name);
		if (!entry) throw new Error(`no table or index named ${name} in the file`);
		return this.cells(entry.rootPage);
	}

	/** Every leaf cell under the b-tree page `root`, in key order. */
	cells(root: number): Cell[] {
		const out: Cell[] = [];
		const walk = (n: number) => {
			const data = this.page(n);
			const header = n === 1 ? 100 : 0;
			const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
			const type = data[header];
			const count = view.getUint16(header + 3);
			const interior = type === 2 || type === 5;
			const pointers = header + (interior ? 12 : 8);
			for (let i = 0; i < count; i++) {
				const offset = view.getUint16(pointers + 2 * i);
				if (interior) {
					walk(view.getUint32(offset));
					// an interior index cell also holds an entry of the index
					if (type === 2) out.push(this.indexCell(n, data, offset + 4, offset));
				} else if (type === 13) {
					out.push(this.tableCell(n, data, offset));
				} else if (type === 10) {
					out.push(this.indexCell(n, data, offset, offset));
				} else {
					throw new Error(`page ${n} is not a b-tree page (type ${type})`);
				}
			}
			if (interior) walk(view.getUint32(header + 8));
		};
		walk(root);
		return out;
	}

	private tableCell(page: number, data: Uint8Array, offset: number): Cell {
		const [size, a] = varint(data, offset);
		const [rowid, b] = varint(data, a);
		const payload = this.payload(data, b, Number(size), this.usable - 35);
		return { page, offset, rowid, values: record(payload) };
	}

	private indexCell(page: number, data: Uint8Array, at: number, offset: number): Cell {
		const [size, a] = varint(data, at);
		const maxLocal = Math.floor(((this.usable - 12) * 64) / 255) - 23;
		const payload = this.payload(data, a, Number(size), maxLocal);
		return { page, offset, rowid: null, values: record(payload) };
	}

	/** A cell's payload, followed through its overflow pages when it does not fit the page. */
	private payload(data: Uint8Array, at: number, size: number, maxLocal: number): Uint8Array {
		if (size <= maxLocal) return data.subarray(at, at + size);
		const minLocal = Math.floor(((this.usable - 12) * 32) / 255) - 23;
		const k = minLocal + ((size - minLocal) % (this.usable - 4));
		const local = k <= maxLocal ? k : minLocal;
		const out = new Uint8Array(size);
		out.set(data.subarray(at, at + local));
		let filled = local;
		let next = new DataView(data.buffer, data.byteOffset).getUint32(at + local);
		while (filled < size && next !== 0) {
			const overflow = this.page(next);
			const take = Math.min(size - filled, this.usable - 4);
			out.set(overflow.subarray(4, 4 + take), filled);
			filled += take;
			next = new DataView(overflow.buffer, overflow.byteOffset).getUint32(0);
		}
		return out;
	}
}

/**
 * A file's bytes, read by another process. Opening a database file in the process that has it
 * open through SQLite, then closing it, drops every POSIX lock that process holds on it (SQLite
 * cannot see fds it did not open): the next SQLite connection elsewhere (a backup) then thinks it
 * is the last one and deletes the live write-ahead log.
 */
export function readBytes(path: string): Uint8Array {
	return execFileSync('cat', [path], { maxBuffer: 1 << 30 });
}

function varint(data: Uint8Array, at: number): [bigint, number] {
	let value = 0n;
	for (let i = 0; i < 8; i++) {
		const byte = data[at + i];
		value = (value << 7n) | BigInt(byte & 0x7f);
		if (byte < 0x80) return [value, at + i + 1];
	}
	return [(value << 8n) | BigInt(data[at + 8]), at + 9];
}

const text = new TextDecoder();

function record(payload: Uint8Array): Value[] {
	const [headerSize, start] = varint(payload, 0);
	const types: number[] = [];
	for (let at = start; at < Number(headerSize);) {
		const [type, next] = varint(payload, at);
		types.push(Number(type));
		at = next;
	}
	const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
	let at = Number(headerSize);
	return types.map((type): Value => {
		const intSizes = [0, 1, 2, 3, 4, 6, 8];
		if (type === 0) return null;
		if (type >= 1 && type <= 6) {
			const size = intSizes[type];
			let value = 0n;
			for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(payload[at + i]);
			at += size;
			return Number(BigInt.asIntN(size * 8, value));
		}
		if (type === 7) {
			const value = view.getFloat64(at);
			at += 8;
			return value;
		}
		if (type === 8) return 0;
		if (type === 9) return 1;
		const size = Math.floor((type - 12) / 2);
		const bytes = payload.subarray(at, at + size);
		at += size;
		return type % 2 === 1 ? text.decode(bytes) : bytes;
	});
}

/** Whether `marker` occurs anywhere in the raw bytes (UTF-8), used or free, of a file. */
export function bytesContain(bytes: Uint8Array, marker: string) {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(
		Buffer.from(marker, 'utf8')
	);
}
