import { runEcsCommand } from '@outrigger/ecs';

/** `outrigger render|validate FILE [options]`: the ECS task-definition resolver on a local artifact (packages/ecs/README.md). */
export async function ecsCommand(command: 'render' | 'validate', argv: string[]): Promise<number> {
  return runEcsCommand(command, argv, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  });
}
