import type { Client, Transaction } from '@libsql/client';

/**
 * Runs an embedded database's statements and transactions one at a time.
 *
 * With a `file:` URL, libSQL executes on the main thread. If one request holds a write
 * transaction open across an `await` and another request writes on a second pooled connection,
 * the second waits synchronously in SQLite's busy handler, blocking the very event loop the first
 * needs in order to commit: every request stalls for the whole busy timeout, then fails with
 * SQLITE_BUSY. Queueing here, in JavaScript, makes that wait asynchronous and cheap. It costs no
 * parallelism: the statements run on this one thread either way.
 */
export function serializeClient(client: Client): Client {
	let tail: Promise<void> = Promise.resolve();
	const acquire = () => {
		let release!: () => void;
		const previous = tail;
		tail = new Promise<void>((resolve) => (release = resolve));
		return previous.then(() => release);
	};
	const queued =
		<A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
		async (...args: A) => {
			const release = await acquire();
			try {
				return await run(...args);
			} finally {
				release();
			}
		};

	const execute = queued(client.execute.bind(client) as Client['execute']);
	const batch = queued(client.batch.bind(client));
	const executeMultiple = queued(client.executeMultiple.bind(client));
	const migrate = queued(client.migrate.bind(client));
	const transaction = async (...args: Parameters<Client['transaction']>) => {
		const release = await acquire();
		try {
			return holdUntilSettled(await client.transaction(...args), release);
		} catch (error) {
			release();
			throw error;
		}
	};

	return new Proxy(client, {
		get(target, property) {
			switch (property) {
				case 'execute':
					return execute;
				case 'batch':
					return batch;
				case 'executeMultiple':
					return executeMultiple;
				case 'migrate':
					return migrate;
				case 'transaction':
					return transaction;
			}
			const value = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}

/** Keeps the queue closed until the transaction commits, rolls back or is closed. */
function holdUntilSettled(tx: Transaction, release: () => void): Transaction {
	let released = false;
	const settle = () => {
		if (!released) {
			released = true;
			release();
		}
	};
	const settling =
		<R>(run: () => Promise<R>) =>
		async () => {
			try {
				return await run();
			} finally {
				settle();
			}
		};
	const commit = settling(() => tx.commit());
	const rollback = settling(() => tx.rollback());
	const close = () => {
		try {
			tx.close();
		} finally {
			settle();
		}
	};
	return new Proxy(tx, {
		get(target, property) {
			if (property === 'commit') return commit;
			if (property === 'rollback') return rollback;
			if (property === 'close') return close;
			const value = Reflect.get(target, property, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}
