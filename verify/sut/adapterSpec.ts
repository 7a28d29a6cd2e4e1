/**
 * Adapter selection for `mfchart run` and `mfchart verify`: `mock`, `mock:<fault>[,<fault>...]`, or
 * `mock` with `--fault <fault>` (repeatable). The one place that turns a name into a session factory.
 * @module
 */
import { createSession, type MediaSessionHandle, type SessionOptions } from '../../actors/createSession.js';
import { CONTRACT_FAULT_NAMES, createFaultySession, isContractFault, type ContractFault } from '../../adapters/mock/contractFaults.js';
import { mockSut, type MockSutOptions } from './modelSut.js';
import type { SutFactory } from './SessionUnderTest.js';

/** Adapters a scenario or an ordering can run on (`mf-native`: the real mf.dll, adapters/mf-native/nativeCommands.ts). */
export const ADAPTER_NAMES = ['mock', 'mf-native'] as const;

/** A parsed adapter selection. */
export interface AdapterSpec {
  adapter: (typeof ADAPTER_NAMES)[number];
  faults: ContractFault[];
}

/** An adapter or fault name that does not exist (exit 2 material). */
export class AdapterSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterSpecError';
  }
}

/** Parses `mock`, `mock:lost-completion`, `mock:a,b`, plus any `--fault` names. */
export function parseAdapterSpec(text: string, extraFaults: readonly string[] = []): AdapterSpec {
  const [adapter, faultList] = text.split(':', 2) as [string, string | undefined];
  if (!(ADAPTER_NAMES as readonly string[]).includes(adapter)) throw new AdapterSpecError(`unknown adapter ${JSON.stringify(adapter)} (available: ${ADAPTER_NAMES.join(', ')})`);
  const names = [...(faultList ? faultList.split(',') : []), ...extraFaults].filter((name) => name.length > 0);
  const faults: ContractFault[] = [];
  for (const name of names) {
    if (!isContractFault(name)) throw new AdapterSpecError(`unknown fault ${JSON.stringify(name)} (available: ${CONTRACT_FAULT_NAMES.join(', ')})`);
    if (!faults.includes(name)) faults.push(name);
  }
  if (adapter === 'mf-native' && faults.length > 0) throw new AdapterSpecError('faults are planted in the mock only; mf-native takes none');
  return { adapter: adapter as AdapterSpec['adapter'], faults };
}

/** The session factory the scenario runner uses for a selection. */
export function sessionFactoryFor(spec: AdapterSpec): (options: SessionOptions) => MediaSessionHandle {
  return spec.faults.length === 0 ? (options) => createSession(options) : (options) => createFaultySession(options, spec.faults);
}

/** The SUT factory the differential runner uses for a selection. */
export function sutFactoryFor(spec: AdapterSpec, options: MockSutOptions = {}): SutFactory {
  return mockSut(spec.faults, options);
}
