// Confirms an account's email address by hand, for an instance that sends no email (no SMTP_URL),
// where no confirmation link can arrive: for example to let its operator open /outbox.
//   npm run verify-email -- ana@example.org
// Whoever can run this can read the database file anyway; the web has no such way in.
import { openDatabase } from './database.js';

const email = process.argv[2]?.trim().toLowerCase();
if (!email) {
	console.error('Give the address to confirm: npm run verify-email -- ana@example.org');
	process.exit(2);
}
const database = openDatabase(process.env.DATABASE_URL?.trim() || 'file:data/outsider.db');
const { rowsAffected } = database.execute({
	sql: 'update user set email_verified_at = ? where email = ?',
	args: [Date.now(), email]
});
database.close();
if (rowsAffected === 0) {
	console.error(`No account uses ${email}. Sign up with it first, then run this again.`);
	process.exit(1);
}
console.log(`${email} is confirmed.`);
