// Actions in every shape an object literal allows: a method, an arrow, and spread from another.
const shared = {
	archive: async () => ({})
};

export const actions = {
	async reopen() {
		return {};
	},
	close: async () => ({}),
	...shared
};
