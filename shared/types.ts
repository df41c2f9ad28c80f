// The data that flows through the engine pipeline and over IPC.
// target -> DNS -> TLS capture -> decode -> chain and trust -> comments -> result.
// Everything here is plain JSON (no Buffers, no Dates) so it crosses IPC and `--json` unchanged.
// The types live in types/, one file per subject; this is the one place to import them from.
export type { ClientCertificateFiles, ClientCertificateInfo, ClientCertificateVerdict, SipDiagnostic, SipOptionsResult, SipOutcome } from './engine/sip/types.ts';
export * from './types/target.ts';
export * from './types/certificate.ts';
export * from './types/result.ts';
export * from './types/request.ts';
