import { runLambdaFeedCommand } from '@outrigger/lambda';

/** `outrigger lambda-feed setup …`: the SQS queue and EventBridge rules of the Lambda change feed (packages/lambda/README.md). */
export function lambdaFeedCommand(argv: string[]): Promise<number> {
  return runLambdaFeedCommand(argv, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
}
