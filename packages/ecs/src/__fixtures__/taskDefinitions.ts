/** Task-definition artifacts in every shape users bring (test fixtures). */

export const registerRequest = {
  family: 'PLACEHOLDER',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '512',
  memory: '1024',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
  containerDefinitions: [
    {
      name: 'web',
      image: 'PLACEHOLDER',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [{ name: 'LOG_LEVEL', value: 'info' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' } },
    },
    {
      name: 'datadog',
      image: 'public.ecr.aws/datadog/agent:7',
      essential: false,
    },
  ],
};

export const describeOutput = {
  taskDefinition: {
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',
    ...registerRequest,
    family: 'web',
    revision: 7,
    status: 'ACTIVE',
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
    compatibilities: ['EC2', 'FARGATE'],
    registeredAt: '2025-01-01T00:00:00.000Z',
    registeredBy: 'arn:aws:sts::123456789012:assumed-role/deployer/x',
  },
  tags: [{ key: 'team', value: 'payments' }],
};

export const cloudFormationYaml = `
Type: AWS::ECS::TaskDefinition
Properties:
  Family: web
  NetworkMode: awsvpc
  RequiresCompatibilities: [FARGATE]
  Cpu: 512
  Memory: "1024"
  ExecutionRoleArn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
  ProxyConfiguration:
    Type: APPMESH
    ContainerName: envoy
    ProxyConfigurationProperties:
      - Name: AppPorts
        Value: "8080"
  Volumes:
    - Name: data
      EFSVolumeConfiguration:
        FileSystemId: fs-12345678
  ContainerDefinitions:
    - Name: web
      Image: PLACEHOLDER
      PortMappings:
        - ContainerPort: "8080"
      MountPoints:
        - SourceVolume: data
          ContainerPath: /data
      DockerLabels:
        com.example.Team: payments
      Environment:
        - Name: LOG_LEVEL
          Value: info
    - Name: envoy
      Image: public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod
      Essential: "true"
`;

export const cloudFormationTemplate = {
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} },
    TaskDef: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: { Family: 'web', ContainerDefinitions: [{ Name: 'web', Image: 'PLACEHOLDER' }] },
    },
  },
};

/** A ten-container artifact (benchmarks and the big table case). */
export function tenContainers(): Record<string, unknown> {
  return {
    family: 'big',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '4096',
    memory: '8192',
    executionRoleArn: 'arn:aws:iam::123456789012:role/exec',
    containerDefinitions: Array.from({ length: 10 }, (_, n) => ({
      name: `c${n}`,
      image: n === 9 ? 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' : 'PLACEHOLDER',
      essential: n === 0,
      portMappings: [{ containerPort: 8000 + n }],
      environment: Array.from({ length: 20 }, (_, e) => ({ name: `VAR_${e}`, value: `v${e}` })),
      secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }],
      dockerLabels: { team: 'x' },
      logConfiguration: n === 9 ? { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/big' } } : { logDriver: 'awsfirelens', options: { Name: 'cloudwatch' } },
      ...(n === 9 ? { firelensConfiguration: { type: 'fluentbit' } } : {}),
    })),
  };
}
