// The mockly.me parts of the settings screen: the add-account fields (client id and endpoint).

import { byId } from './dom.js';
import { fieldProblem } from './field-errors.js';

export const MOCKLY_DEFAULT_ENDPOINT = 'wss://mockly.me/ws/chat/{client_id}';

/** Checks the mockly fields; returns a fieldProblem or null. */
export function validateMockly({ clientId, endpoint }) {
  if (!clientId.trim()) return fieldProblem('client_id', 'Enter a client id.');
  if (!/^wss?:\/\//i.test(endpoint.trim())) return fieldProblem('endpoint', 'The endpoint must start with ws:// or wss://.');
  return null;
}

/** The form's mockly fields, and what they send to the backend. */
export function createMocklyFields() {
  const f = { clientId: byId('new-client-id'), endpoint: byId('new-endpoint') };
  f.endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
  /** The backend's field names (errors' `field`) → inputs. */
  const inputs = { client_id: f.clientId, endpoint: f.endpoint };

  /** {request} for the backend, or {problem}. */
  function request(displayName) {
    const values = { clientId: f.clientId.value, endpoint: f.endpoint.value };
    const problem = validateMockly(values);
    if (problem) return { problem };
    return { request: { service: 'mockly', client_id: values.clientId.trim(), display_name: displayName, endpoint: values.endpoint.trim() } };
  }

  return {
    request,
    inputFor: (field) => inputs[field] || null,
    reset() {
      f.clientId.value = '';
      f.endpoint.value = MOCKLY_DEFAULT_ENDPOINT;
    },
  };
}
