import type { Session } from '$lib/server/db/schema';
import type { MemberView } from '$lib/server/groups/groups';
import type { SessionUser } from '$lib/server/accounts/sessions';

declare global {
	namespace App {
		interface Locals {
			user: SessionUser | null;
			session: Session | null;
			/** Unread notices, counted with the session (the bell in the header). */
			unread: number;
			/** Per request: the signed-in person's view of each group asked about (see guards.ts). */
			memberViews?: Map<string, Promise<MemberView | undefined>>;
		}
		interface Error {
			message: string;
		}
	}
}

export {};
