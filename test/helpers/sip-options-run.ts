// One SIP OPTIONS in a child process (so a test can run it under test/helpers/boringssl-rules.ts):
// argv[2] is the JSON of { ip, port, servername, timeoutMs, certFile?, keyFile?, password? }; prints the result JSON.
import { sipOptions } from '../../shared/engine/sip/options.ts';
import { loadClientCertificate } from '../../shared/engine/sip/client-cert.ts';

const args = JSON.parse(process.argv[2]!) as { ip: string; port: number; servername: string | null; timeoutMs: number; certFile?: string; keyFile?: string; password?: string };
const clientCertificate = args.certFile ? loadClientCertificate({ certFile: args.certFile, keyFile: args.keyFile, password: args.password }) : null;
process.stdout.write(JSON.stringify(await sipOptions({ ...args, clientCertificate })));
