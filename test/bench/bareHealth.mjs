// The baseline for the /health throughput row: a bare express 5 app answering the same body, nothing else.
import express from 'express';

const [port, body] = [Number(process.argv[2]), process.argv[3]];
const app = express();
app.get('/health', (_req, res) => {
  res.type('application/json').send(body);
});
app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
