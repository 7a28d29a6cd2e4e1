/**
 * `mfchart/verify`: the verifier as a library — exhaustive bounded exploration of the statechart,
 * the invariants, the session-under-test interface, differential (conformance) runs with shrinking,
 * counterexamples as scenario files. `examples/verifyYourAdapter.ts` shows it on a from-scratch adapter.
 * @packageDocumentation
 */
export * from './explore/alphabet.js';
export * from './explore/canonicalState.js';
export * from './explore/compileTable.js';
export * from './explore/coverage.js';
export * from './explore/exploreTable.js';
export * from './explore/verifyModel.js';
export * from './invariants/index.js';
export * from './sut/SessionUnderTest.js';
export * from './sut/sutActions.js';
export * from './sut/modelSut.js';
export * from './sut/adapterSpec.js';
export * from './conformance/acceptedDivergences.js';
export * from './conformance/counterexampleScenario.js';
export * from './conformance/divergence.js';
export * from './conformance/frontierOrderings.js';
export * from './conformance/playOrdering.js';
export * from './conformance/runConformance.js';
