// Personal links sent by email. The facilitator types addresses; each gets a link of its own,
// and the addresses go no further than the mail server: no table, no outbox record, no log line
// holds one, so nothing could ever put an address beside a link, let alone beside an answer.
import { publicOrigin } from '$lib/server/config';
import { logFailure } from '$lib/server/log';
import { makePersonalLinks } from '$lib/server/outsiders/outside-view';
import { sendUnrecorded } from '$lib/server/reminders/mail';
import { ok, type Result } from '$lib/server/result';
import { newId } from '$lib/server/tokens';

export const outsiderLinkUrl = (token: string) => `${publicOrigin()}/o/${token}`;

interface Asking {
	reviewId: string;
	groupName: string;
	threshold: number;
}

/**
 * Sends one personal link to each address. Addresses that the mail server refused are returned
 * so that the facilitator can try them again; their links stay unused, in no one's hands.
 */
export async function emailOutsiderLinks(
	asking: Asking,
	addresses: string[]
): Promise<Result<{ sent: number; failed: string[] }, 'not-found' | 'closed' | 'bad-count'>> {
	const made = makePersonalLinks(asking.reviewId, addresses.length);
	if (!made.ok) return made;
	const failed: string[] = [];
	// one at a time: a coalition's 200 addresses should not open 200 connections at once
	for (const [index, to] of addresses.entries()) {
		try {
			await sendUnrecorded({
				to,
				subject: `${asking.groupName} would like to know how it looks from outside`,
				text: invitationText(asking, made.value[index]),
				messageId: `<outsider-${newId()}@outsider>`
			});
		} catch (error) {
			logFailure('sending an outsider a link', error);
			failed.push(to);
		}
	}
	return ok({ sent: addresses.length - failed.length, failed });
}

function invitationText({ groupName, threshold }: Asking, token: string) {
	return `Hello,

${groupName} is asking a few people outside it how it looks from there: whether it seems organized, where it seems to be going, and what you think it is for. It takes about three minutes, on a phone too, and needs no account.

Answer here (the link is yours, and works once):
${outsiderLinkUrl(token)}

Your answers are anonymous. The group sees scores and comments, word for word, only once at least ${threshold} people outside it have answered, and never who gave them.

This address was used to send you this link and was not kept. You will get nothing else from Outsider.
`;
}
