import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// packages/lambda/src/__fixtures__/rolloutProcess.ts
import * as cw from "@aws-sdk/client-cloudwatch";
import * as lambda from "@aws-sdk/client-lambda";

// packages/runtime/src/auth/createAuthorizer.ts
import axios from "axios";

// packages/runtime/src/errors/OutriggerError.ts
var OutriggerError = class extends Error {
  /** Field-level problems, served as `errors[]` in the error body. */
  errors;
  constructor(message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    if (options?.errors) this.errors = options.errors;
  }
};

// packages/runtime/src/errors/errors.ts
var InputError = class extends OutriggerError {
};
var NotAllowedError = class extends OutriggerError {
};
var NotFoundError = class extends OutriggerError {
};
var ConflictError = class extends OutriggerError {
};
var UnsupportedMediaTypeError = class extends OutriggerError {
};
var ServiceUnavailableError = class extends OutriggerError {
};
var UpstreamError = class extends OutriggerError {
  upstreamName;
  constructor(upstreamName, message, options) {
    super(message, options);
    this.upstreamName = upstreamName;
  }
};

// packages/runtime/src/auth/createAuthorizer.ts
function createAuthorizer(deps) {
  const { config: config2 } = deps;
  const fiat = config2.auth.fiat;
  const http2 = deps.http ?? axios.create({ timeout: fiat.timeoutMs });
  const now = deps.now ?? Date.now;
  const accounts = new Map(config2.aws.accounts.map((a) => [a.name, a]));
  const cache = /* @__PURE__ */ new Map();
  async function fromFiat(user) {
    const hit = cache.get(user);
    if (hit && now() - hit.at < fiat.cacheSeconds * 1e3) return hit.principal;
    let view;
    try {
      const res = await http2.get(`${fiat.baseUrl.replace(/\/$/, "")}/authorize/${encodeURIComponent(user)}`);
      view = res.data ?? {};
    } catch (err) {
      const status = axios.isAxiosError(err) ? err.response?.status : void 0;
      if (status === 404) view = {};
      else throw new ServiceUnavailableError(`Fiat did not answer for user "${user}" (${status ? `HTTP ${status}` : "no response"}); try again shortly`, { cause: err });
    }
    const map = /* @__PURE__ */ new Map();
    for (const a of view.accounts ?? []) {
      map.set(a.name, new Set((a.authorizations ?? []).filter((x) => x === "READ" || x === "WRITE")));
    }
    const principal = { user, anonymous: user === "anonymous", admin: view.admin === true, accounts: map };
    cache.set(user, { at: now(), principal });
    return principal;
  }
  const authorizer = {
    async principalFor(req) {
      const user = req.header("x-spinnaker-user")?.trim() || "anonymous";
      if (fiat.enabled) return fromFiat(user);
      const header = req.header("x-spinnaker-accounts");
      if (header === void 0) return { user, anonymous: user === "anonymous", admin: false };
      const both = () => /* @__PURE__ */ new Set(["READ", "WRITE"]);
      const named = header.split(",").map((s) => s.trim()).filter(Boolean);
      return { user, anonymous: user === "anonymous", admin: false, accounts: new Map(named.map((n) => [n, both()])) };
    },
    canUse(principal, account, action) {
      if (principal.admin) return true;
      if (principal.accounts) return principal.accounts.get(account.name)?.has(action) ?? false;
      return account.permissions.READ.length === 0 && account.permissions.WRITE.length === 0;
    },
    readableAccounts(principal) {
      return [...accounts.values()].filter((a) => authorizer.canUse(principal, a, "READ"));
    },
    requireAccount(principal, name, action, field) {
      if (!name) throw new InputError("Validation Failed", { errors: [{ field, message: "an account name is required" }] });
      const account = accounts.get(name);
      if (!account) {
        const visible = authorizer.readableAccounts(principal).map((a) => a.name);
        throw new InputError("Validation Failed", {
          errors: [{ field, message: `credentials not found (name: ${name}, names: ${visible.join(",")})` }]
        });
      }
      if (!authorizer.canUse(principal, account, action)) {
        throw new NotAllowedError(`Access denied to account ${name} - required authorization: ${action}`);
      }
      return account;
    }
  };
  return authorizer;
}

// packages/runtime/src/compose/composeApp.ts
import path3 from "node:path";

// packages/contract/src/generated/openapi.json
var openapi_default = {
  openapi: "3.1.0",
  info: {
    title: "outrigger",
    version: "0.1.0",
    summary: "Lambda, ECS task-definition artifacts and Packer bakes for an existing Spinnaker.",
    description: "outrigger speaks the wire contracts Spinnaker's own services speak (clouddriver, Rosco) so that Orca, Gate and\nDeck use it unchanged. Every error answers in Spinnaker's kork/Spring error shape; every asynchronous operation\nanswers with a clouddriver task reference, readable as the clouddriver task or as a webhook status resource.\n",
    license: {
      name: "Apache-2.0",
      identifier: "Apache-2.0"
    }
  },
  servers: [
    {
      url: "http://localhost:7011",
      description: "outrigger serve with embedded defaults"
    }
  ],
  security: [
    {
      spinnakerUser: []
    },
    {}
  ],
  tags: [
    {
      name: "core",
      description: "Health and service information."
    },
    {
      name: "tasks",
      description: "Asynchronous operations, in clouddriver's task shape and as a webhook-stage status resource."
    },
    {
      name: "ecs",
      description: "ECS task-definition artifacts (render, check, diff) and clouddriver-compatible ECS server-group operations."
    },
    {
      name: "lambda",
      description: "AWS Lambda on clouddriver's wire contract (operations, function reads, cache refresh)."
    },
    {
      name: "bake",
      description: "A Rosco-compatible bakery (Packer), on Rosco's paths and JSON names."
    },
    {
      name: "plugins",
      description: "The Deck plugin's repository (pf4j `plugins.json` and the bundle Gate's deck-proxy serves) and the accounts its pickers offer."
    }
  ],
  paths: {
    "/health": {
      get: {
        operationId: "getHealth",
        tags: [
          "core"
        ],
        summary: "Health, as Spinnaker's services answer it.",
        responses: {
          "200": {
            description: "Serving.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/Health"
                },
                example: {
                  status: "UP",
                  components: {
                    taskStore: {
                      status: "UP",
                      details: {
                        type: "sqlite"
                      }
                    }
                  }
                }
              }
            }
          },
          "503": {
            description: "A part is down.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/Health"
                }
              }
            }
          }
        }
      }
    },
    "/task": {
      get: {
        operationId: "listTasks",
        tags: [
          "tasks"
        ],
        summary: "Recent tasks the caller may read, newest first.",
        parameters: [
          {
            name: "limit",
            in: "query",
            required: false,
            schema: {
              type: "integer",
              minimum: 1,
              maximum: 1e3,
              default: 100
            }
          }
        ],
        responses: {
          "200": {
            description: "Tasks.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/Task"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/task/{id}": {
      get: {
        operationId: "getTask",
        tags: [
          "tasks"
        ],
        summary: "One task in clouddriver's shape (what Orca polls).",
        parameters: [
          {
            $ref: "#/components/parameters/TaskIdParam"
          }
        ],
        responses: {
          "200": {
            description: "The task.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/Task"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/task/{id}:resume": {
      post: {
        operationId: "resumeTask",
        tags: [
          "tasks"
        ],
        summary: "Resume a failed, retryable task under the same id (what Orca's MonitorKatoTask calls).",
        description: "clouddriver's `POST /task/{id}:resume` (OperationsController). The operation continues from its step journal:\na step that took effect is not repeated. A task that is already running again answers its reference as well.\nA task that did not fail retryably is a 400 (clouddriver's \"Task is not retryable\"); an unknown id is a 404.\nNeeds WRITE on the task's account.\n",
        parameters: [
          {
            $ref: "#/components/parameters/TaskIdParam"
          }
        ],
        responses: {
          "200": {
            description: "The task continues.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "403": {
            description: "The caller may not write the task's account.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/ErrorBody"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/tasks/{id}": {
      get: {
        operationId: "getWebhookTaskStatus",
        tags: [
          "tasks"
        ],
        summary: "One task as a webhook-stage status resource (string `status`, progress `message`).",
        parameters: [
          {
            $ref: "#/components/parameters/TaskIdParam"
          }
        ],
        responses: {
          "200": {
            description: "The task's status.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/WebhookTaskStatus"
                },
                examples: {
                  running: {
                    value: {
                      id: "0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11",
                      status: "RUNNING",
                      message: "Processing op: createServerGroup"
                    }
                  },
                  failed: {
                    value: {
                      id: "0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11",
                      status: "TERMINAL",
                      message: "AWS Lambda is not enabled for provided account.",
                      operation: "createLambdaFunction"
                    }
                  }
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/ecs/taskDefinitions/render": {
      post: {
        operationId: "renderEcsTaskDefinition",
        tags: [
          "ecs"
        ],
        summary: "Render a task-definition artifact (images, overrides, injection), check it, diff it, and keep it as an artifact.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsRenderRequest"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The rendered task definition, the report of every change, the findings and a diff.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/EcsRenderResponse"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/renders/{id}/taskDefinition.json": {
      get: {
        operationId: "getEcsRenderedTaskDefinition",
        tags: [
          "ecs"
        ],
        summary: "A kept render, as the RegisterTaskDefinition JSON clouddriver fetches for an `http/file` artifact.",
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 64
            }
          }
        ],
        responses: {
          "200": {
            description: "The task definition.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  additionalProperties: true
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/ecs/ops": {
      post: {
        operationId: "ecsOperations",
        tags: [
          "ecs"
        ],
        summary: "clouddriver's `POST /ecs/ops` with a list of `{opName: description}`.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsOperationsRequest"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/ops/createServerGroup": {
      post: {
        operationId: "ecsCreateServerGroup",
        tags: [
          "ecs"
        ],
        summary: "Register the task definition and create the next `vNNN` service (clouddriver createServerGroup).",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsDeploymentFields"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/ops/disableServerGroup": {
      post: {
        operationId: "ecsDisableServerGroup",
        tags: [
          "ecs"
        ],
        summary: "Suspend scaling and set desired count to 0.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsServerGroupRef"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/ops/enableServerGroup": {
      post: {
        operationId: "ecsEnableServerGroup",
        tags: [
          "ecs"
        ],
        summary: "Restore the desired count the service had before it was disabled, and resume scaling.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsServerGroupRef"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/ops/resizeServerGroup": {
      post: {
        operationId: "ecsResizeServerGroup",
        tags: [
          "ecs"
        ],
        summary: "Set desired count and scalable-target min/max.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsResizeDescription"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/ops/destroyServerGroup": {
      post: {
        operationId: "ecsDestroyServerGroup",
        tags: [
          "ecs"
        ],
        summary: "Delete alarms, scaling, the service and its task definition revision.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsServerGroupRef"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/ecs/ops/deploy": {
      post: {
        operationId: "ecsDeploy",
        tags: [
          "ecs"
        ],
        summary: "One-call deploy (redblack, highlander, none) with rollback if the new service never gets healthy.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/EcsDeployRequest"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; poll the task (`Location` is the webhook status view `/tasks/{id}`).",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/createLambdaFunction": {
      post: {
        operationId: "createLambdaFunction",
        tags: [
          "lambda"
        ],
        summary: "Creates a function (S3 zip, image or artifact code). An existing function with the same code and configuration is adopted, not a 409.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/CreateLambdaFunctionDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/updateLambdaFunctionConfiguration": {
      post: {
        operationId: "updateLambdaFunctionConfiguration",
        tags: [
          "lambda"
        ],
        summary: "Updates configuration read from AWS (not a cache); tags are merged; waits for Active/Successful.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/UpdateLambdaFunctionConfigurationDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/updateLambdaFunctionCode": {
      post: {
        operationId: "updateLambdaFunctionCode",
        tags: [
          "lambda"
        ],
        summary: "Updates code from S3, an image or an artifact; waits for the update to succeed.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/UpdateLambdaFunctionCodeDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/deleteLambdaFunction": {
      post: {
        operationId: "deleteLambdaFunction",
        tags: [
          "lambda"
        ],
        summary: "Deletes a function or one version; a missing function fails the task with not found.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeleteLambdaFunctionDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/invokeLambdaFunction": {
      post: {
        operationId: "invokeLambdaFunction",
        tags: [
          "lambda"
        ],
        summary: "Invokes a function (RequestResponse or Event) with an inline or artifact payload.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/InvokeLambdaFunctionDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/publishLambdaFunctionVersion": {
      post: {
        operationId: "publishLambdaFunctionVersion",
        tags: [
          "lambda"
        ],
        summary: "Publishes a version.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/PublishLambdaFunctionVersionDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/upsertLambdaFunctionAlias": {
      post: {
        operationId: "upsertLambdaFunctionAlias",
        tags: [
          "lambda"
        ],
        summary: "Creates or updates an alias, with an optional weighted second version.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/UpsertLambdaFunctionAliasDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/deleteLambdaFunctionAlias": {
      post: {
        operationId: "deleteLambdaFunctionAlias",
        tags: [
          "lambda"
        ],
        summary: "Deletes an alias (outrigger addition; clouddriver has no such operation).",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeleteLambdaFunctionAliasDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/upsertLambdaFunctionEventMapping": {
      post: {
        operationId: "upsertLambdaFunctionEventMapping",
        tags: [
          "lambda"
        ],
        summary: "Creates or updates the event source mapping of an event source ARN.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaEventMappingDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/deleteLambdaFunctionEventMapping": {
      post: {
        operationId: "deleteLambdaFunctionEventMapping",
        tags: [
          "lambda"
        ],
        summary: "Deletes the event source mapping of an event source ARN.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaEventMappingDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/putLambdaReservedConcurrency": {
      post: {
        operationId: "putLambdaReservedConcurrency",
        tags: [
          "lambda"
        ],
        summary: "Sets reserved concurrency.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/PutLambdaReservedConcurrencyDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/deleteLambdaReservedConcurrency": {
      post: {
        operationId: "deleteLambdaReservedConcurrency",
        tags: [
          "lambda"
        ],
        summary: "Removes reserved concurrency.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeleteLambdaReservedConcurrencyDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/putLambdaProvisionedConcurrency": {
      post: {
        operationId: "putLambdaProvisionedConcurrency",
        tags: [
          "lambda"
        ],
        summary: "Sets provisioned concurrency on an alias or version.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/PutLambdaProvisionedConcurrencyDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/deleteLambdaProvisionedConcurrency": {
      post: {
        operationId: "deleteLambdaProvisionedConcurrency",
        tags: [
          "lambda"
        ],
        summary: "Removes provisioned concurrency from an alias or version.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeleteLambdaProvisionedConcurrencyDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operation; poll `GET /task/{id}`.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/aws/ops/deployLambdaProgressive": {
      post: {
        operationId: "deployLambdaProgressive",
        tags: [
          "lambda"
        ],
        summary: "Shifts an alias to a new version in steps (CodeDeploy's predefined configurations or a custom list), with alarm, metric and invoke gates, CodeDeploy-compatible hooks and automatic rollback.",
        description: "clouddriver's door: poll `GET /task/{id}` (Orca's Kato monitor). The task's id is also the rollout's id\n(`GET /lambda/rollouts/{id}`). A second rollout on an alias that already has a running one is a 409 naming it.\n",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeployLambdaProgressiveDescription"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the rollout.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/lambda/rollouts": {
      post: {
        operationId: "startLambdaRollout",
        tags: [
          "lambda"
        ],
        summary: "The webhook door to `deployLambdaProgressive` (a preconfigured webhook stage posts here).",
        description: "Same body and engine as `POST /aws/ops/deployLambdaProgressive`. Answers 202 with `Location: /tasks/{id}`, the\nwebhook status view (`status` RUNNING, SUCCEEDED, TERMINAL or CANCELED; `message` the newest progress line).\n",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeployLambdaProgressiveDescription"
              }
            }
          }
        },
        responses: {
          "202": {
            description: "Accepted; `Location` is the webhook status resource `/tasks/{id}`.",
            headers: {
              Location: {
                description: "The webhook-stage status resource of the task.",
                schema: {
                  type: "string"
                }
              }
            },
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      },
      get: {
        operationId: "listLambdaRollouts",
        tags: [
          "lambda"
        ],
        summary: "Rollouts of the accounts the caller may read, newest first.",
        parameters: [
          {
            name: "account",
            in: "query",
            required: false,
            schema: {
              type: "string",
              maxLength: 256
            }
          },
          {
            name: "functionName",
            in: "query",
            required: false,
            schema: {
              type: "string",
              maxLength: 256
            }
          },
          {
            name: "active",
            in: "query",
            required: false,
            description: "`true`: only RUNNING and PAUSED rollouts.",
            schema: {
              type: "string",
              enum: [
                "true",
                "false"
              ]
            }
          },
          {
            name: "limit",
            in: "query",
            required: false,
            schema: {
              type: "integer",
              minimum: 1,
              maximum: 1e3,
              default: 100
            }
          }
        ],
        responses: {
          "200": {
            description: "Rollouts.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/LambdaRollout"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/lambda/rollouts/{id}": {
      get: {
        operationId: "getLambdaRollout",
        tags: [
          "lambda"
        ],
        summary: "One rollout with every stored step, gate reading and decision.",
        parameters: [
          {
            $ref: "#/components/parameters/RolloutIdParam"
          }
        ],
        responses: {
          "200": {
            description: "The rollout.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LambdaRollout"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/lambda/rollouts/{id}/pause": {
      post: {
        operationId: "pauseLambdaRollout",
        tags: [
          "lambda"
        ],
        summary: "Pauses the rollout: the bake clock stops and no weight changes until resumed; gates keep being checked.",
        parameters: [
          {
            $ref: "#/components/parameters/RolloutIdParam"
          }
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaRolloutControl"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The rollout after the request was recorded (the engine acts on it within one gate interval).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LambdaRollout"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/lambda/rollouts/{id}/resume": {
      post: {
        operationId: "resumeLambdaRollout",
        tags: [
          "lambda"
        ],
        summary: "Resumes a paused rollout; the rest of the current bake runs.",
        parameters: [
          {
            $ref: "#/components/parameters/RolloutIdParam"
          }
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaRolloutControl"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The rollout after the request was recorded (the engine acts on it within one gate interval).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LambdaRollout"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/lambda/rollouts/{id}/skip": {
      post: {
        operationId: "skipLambdaRolloutStep",
        tags: [
          "lambda"
        ],
        summary: "Ends the current bake now: the next weight change happens at once.",
        parameters: [
          {
            $ref: "#/components/parameters/RolloutIdParam"
          }
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaRolloutControl"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The rollout after the request was recorded (the engine acts on it within one gate interval).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LambdaRollout"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/lambda/rollouts/{id}/promote": {
      post: {
        operationId: "promoteLambdaRollout",
        tags: [
          "lambda"
        ],
        summary: "Shifts 100 % to the new version now (the AfterAllowTraffic hook still runs).",
        parameters: [
          {
            $ref: "#/components/parameters/RolloutIdParam"
          }
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaRolloutControl"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The rollout after the request was recorded (the engine acts on it within one gate interval).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LambdaRollout"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/lambda/rollouts/{id}/rollback": {
      post: {
        operationId: "rollbackLambdaRollout",
        tags: [
          "lambda"
        ],
        summary: "Rolls back now: the alias goes back to the old version and the task fails naming the request.",
        parameters: [
          {
            $ref: "#/components/parameters/RolloutIdParam"
          }
        ],
        requestBody: {
          required: false,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaRolloutControl"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The rollout after the request was recorded (the engine acts on it within one gate interval).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LambdaRollout"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/codedeploy": {
      post: {
        operationId: "putLifecycleEventHookExecutionStatus",
        tags: [
          "lambda"
        ],
        summary: "CodeDeploy's PutLifecycleEventHookExecutionStatus: a hook function reports Succeeded or Failed.",
        description: "Existing SAM hook functions work unchanged once their CodeDeploy client points here: set\n`AWS_ENDPOINT_URL_CODEDEPLOY=https://<outrigger>/codedeploy` on the hook function. The AWS SDK's JSON 1.1 call\n(`X-Amz-Target: CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus`) and plain JSON are both accepted. The\nunguessable `lifecycleEventHookExecutionId` outrigger gave the hook is what authorizes the report.\n",
        parameters: [
          {
            name: "X-Amz-Target",
            in: "header",
            required: false,
            schema: {
              type: "string",
              maxLength: 128
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LifecycleEventHookExecutionStatus"
              }
            },
            "application/x-amz-json-1.1": {
              schema: {
                $ref: "#/components/schemas/LifecycleEventHookExecutionStatus"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The report was recorded.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/LifecycleEventHookExecutionStatusResult"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          },
          "409": {
            $ref: "#/components/responses/Conflict"
          }
        }
      }
    },
    "/aws/ops": {
      post: {
        operationId: "submitAwsOperations",
        tags: [
          "lambda"
        ],
        summary: "clouddriver's list form of `/aws/ops`; all entries run in one task.",
        parameters: [
          {
            name: "clientRequestId",
            in: "query",
            required: false,
            description: "Idempotency key; a repeat returns the existing task.",
            schema: {
              type: "string",
              maxLength: 256
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/LambdaOperationList"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The task that runs the operations.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/TaskRef"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/functions": {
      get: {
        operationId: "listFunctions",
        tags: [
          "lambda"
        ],
        summary: "Cached functions of the accounts the caller may read, filtered by account, region and function name.",
        parameters: [
          {
            name: "account",
            in: "query",
            required: false,
            schema: {
              type: "string",
              maxLength: 256
            }
          },
          {
            name: "region",
            in: "query",
            required: false,
            schema: {
              type: "string",
              maxLength: 64
            }
          },
          {
            name: "functionName",
            in: "query",
            required: false,
            schema: {
              type: "string",
              maxLength: 256
            }
          },
          {
            name: "provider",
            in: "query",
            required: false,
            description: "Ignored (Deck sends it).",
            schema: {
              type: "string",
              maxLength: 64
            }
          }
        ],
        responses: {
          "200": {
            description: "Functions.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/LambdaFunction"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/functions/runtimes": {
      get: {
        operationId: "listFunctionRuntimes",
        tags: [
          "lambda"
        ],
        summary: "The Lambda runtimes of the bundled AWS SDK, with deprecation status.",
        responses: {
          "200": {
            description: "Runtimes, newest first within a family.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/LambdaRuntime"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/applications/{application}/functions": {
      get: {
        operationId: "listApplicationFunctions",
        tags: [
          "lambda"
        ],
        summary: "Cached functions of one Spinnaker application (moniker tags, else the `app-` name prefix).",
        parameters: [
          {
            name: "application",
            in: "path",
            required: true,
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 256
            }
          }
        ],
        responses: {
          "200": {
            description: "Functions.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/LambdaFunction"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/cache/aws/function": {
      get: {
        operationId: "getFunctionCacheStatus",
        tags: [
          "lambda"
        ],
        summary: "The on-demand cache state of one function key (what Orca's cache refresh task polls).",
        parameters: [
          {
            name: "id",
            in: "query",
            required: true,
            description: "`aws:lambdaFunctions:<account>:<region>:<functionName>`",
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 512
            }
          }
        ],
        responses: {
          "200": {
            description: "The cached entry (an empty list when the key is not cached).",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/FunctionCacheEntry"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      },
      post: {
        operationId: "refreshFunctionCache",
        tags: [
          "lambda"
        ],
        summary: "Refreshes one function in the cache now (clouddriver's on-demand cache update).",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/FunctionCacheRefresh"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The function does not exist (any cached copy was evicted).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/FunctionCacheRefreshResult"
                }
              }
            }
          },
          "202": {
            description: "The function was read and cached.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/FunctionCacheRefreshResult"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/bakeOptions": {
      get: {
        operationId: "listBakeOptions",
        tags: [
          "bake"
        ],
        summary: "Bake options of every enabled provider (Rosco `GET /bakeOptions`).",
        responses: {
          "200": {
            description: "One BakeOptions per enabled provider.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/BakeOptions"
                  }
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/bakeOptions/{cloudProvider}": {
      get: {
        operationId: "getBakeOptions",
        tags: [
          "bake"
        ],
        summary: "Bake options of one provider.",
        parameters: [
          {
            $ref: "#/components/parameters/CloudProviderParam"
          }
        ],
        responses: {
          "200": {
            description: "The provider's base images.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/BakeOptions"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/bakeOptions/{cloudProvider}/baseImages/{imageId}": {
      get: {
        operationId: "getBaseImage",
        tags: [
          "bake"
        ],
        summary: "One base image (Orca reads `packageType` before every bake).",
        parameters: [
          {
            $ref: "#/components/parameters/CloudProviderParam"
          },
          {
            name: "imageId",
            in: "path",
            required: true,
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 256
            }
          }
        ],
        responses: {
          "200": {
            description: "The base image.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/BaseImage"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/{region}/bake": {
      post: {
        operationId: "createBake",
        tags: [
          "bake"
        ],
        summary: "Start a bake, or return the identical running or successful one (`rebake=1` forces a new bake).",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          },
          {
            name: "rebake",
            in: "query",
            required: false,
            description: "Only the literal `1` means rebake.",
            schema: {
              type: "string",
              maxLength: 8
            }
          },
          {
            name: "X-SPINNAKER-EXECUTION-ID",
            in: "header",
            required: false,
            description: "`executionId:stageId:taskId`; the execution id groups bakes for delete-requests.",
            schema: {
              type: "string",
              maxLength: 512
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/BakeRequest"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "The bake's status.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/BakeStatus"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "429": {
            $ref: "#/components/responses/TooManyRequests"
          }
        }
      },
      delete: {
        operationId: "deleteBake",
        tags: [
          "bake"
        ],
        summary: "Forget the bake a request maps to (store records only; Packer is not stopped).",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/BakeRequest"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "`Deleted bake '<key>' with id '<id>'.`",
            content: {
              "text/plain": {
                schema: {
                  type: "string"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/{region}/status/{statusId}": {
      get: {
        operationId: "getBakeStatus",
        tags: [
          "bake"
        ],
        summary: "A bake's status (what Orca polls).",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          },
          {
            $ref: "#/components/parameters/StatusIdParam"
          }
        ],
        responses: {
          "200": {
            description: "The status.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/BakeStatus"
                }
              }
            }
          },
          "400": {
            description: "No bake with this status id (as Rosco answers it, so Orca's monitor fails at once).",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/ErrorBody"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/{region}/bake/{bakeId}": {
      get: {
        operationId: "getBake",
        tags: [
          "bake"
        ],
        summary: "The baked image, with the artifact for `{region}` and one per copied region.",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          },
          {
            name: "bakeId",
            in: "path",
            required: true,
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 128
            }
          }
        ],
        responses: {
          "200": {
            description: "The bake.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/Bake"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/{region}/logs/{statusId}": {
      get: {
        operationId: "getBakeLogs",
        tags: [
          "bake"
        ],
        summary: "A bake's timestamped, redacted Packer log; whole (as Rosco), paged by `offset`/`limit`, or followed.",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          },
          {
            $ref: "#/components/parameters/StatusIdParam"
          },
          {
            name: "offset",
            in: "query",
            required: false,
            description: "First line (0-based) of a page.",
            schema: {
              type: "integer",
              minimum: 0
            }
          },
          {
            name: "limit",
            in: "query",
            required: false,
            schema: {
              type: "integer",
              minimum: 1,
              maximum: 1e4
            }
          },
          {
            name: "follow",
            in: "query",
            required: false,
            description: "`true`: stream lines as text/plain until the bake ends.",
            schema: {
              type: "string",
              enum: [
                "true",
                "false"
              ]
            }
          }
        ],
        responses: {
          "200": {
            description: "The log.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/BakeLogs"
                }
              },
              "text/plain": {
                schema: {
                  type: "string"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/{region}/logs/image/{imageId}": {
      get: {
        operationId: "getBakeLogsByImage",
        tags: [
          "bake"
        ],
        summary: "The log of the bake that produced an image.",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          },
          {
            name: "imageId",
            in: "path",
            required: true,
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 256
            }
          }
        ],
        responses: {
          "200": {
            description: "The log.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/BakeLogs"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/{region}/cancel/{statusId}": {
      get: {
        operationId: "cancelBake",
        tags: [
          "bake"
        ],
        summary: "Cancel a running or queued bake (a GET, as in Rosco); Packer's process group is signalled.",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          },
          {
            $ref: "#/components/parameters/StatusIdParam"
          }
        ],
        responses: {
          "200": {
            description: "`Canceled bake '<id>'.`",
            content: {
              "text/plain": {
                schema: {
                  type: "string"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/bakes/delete-requests": {
      post: {
        operationId: "deleteBakesByExecution",
        tags: [
          "bake"
        ],
        summary: "Purge the bakes of finished pipeline executions (Orca's execution cleanup).",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/DeleteRequests"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "Purged (empty body)."
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/{region}/images/retention": {
      post: {
        operationId: "applyImageRetention",
        tags: [
          "bake"
        ],
        summary: "List (and unless `dry_run`, deregister with snapshots) images outrigger baked for an application beyond the newest `keep`.",
        parameters: [
          {
            $ref: "#/components/parameters/RegionParam"
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/ImageRetentionRequest"
              }
            }
          }
        },
        responses: {
          "200": {
            description: "What was kept, removed and skipped.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/ImageRetentionResult"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v2/manifest/bake/{type}": {
      post: {
        operationId: "bakeManifest",
        tags: [
          "bake"
        ],
        summary: "Helm/Kustomize/Helmfile/CloudFoundry manifest bakes are not served here (501); keep Rosco serving them.",
        parameters: [
          {
            name: "type",
            in: "path",
            required: true,
            schema: {
              type: "string",
              minLength: 1,
              maxLength: 32
            }
          }
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                $ref: "#/components/schemas/ManifestBakeRequest"
              }
            }
          }
        },
        responses: {
          "400": {
            $ref: "#/components/responses/BadRequest"
          },
          "501": {
            description: "Not served by outrigger.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/ErrorBody"
                }
              }
            }
          }
        }
      }
    },
    "/status/instance": {
      get: {
        operationId: "getBakeryInstanceStatus",
        tags: [
          "bake"
        ],
        summary: "This instance's incomplete bakes (Rosco `GET /status/instance`).",
        responses: {
          "200": {
            description: "Status.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/InstanceStatus"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/status/all": {
      get: {
        operationId: "getBakeryAllStatus",
        tags: [
          "bake"
        ],
        summary: "Every instance's incomplete bakes (Rosco `GET /status/all`).",
        responses: {
          "200": {
            description: "Status.",
            content: {
              "application/json": {
                schema: {
                  $ref: "#/components/schemas/AllInstancesStatus"
                }
              }
            }
          },
          "400": {
            $ref: "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/plugins/repository/plugins.json": {
      get: {
        operationId: "getPluginRepository",
        tags: [
          "plugins"
        ],
        summary: "A pf4j plugin repository index (`plugins.json`) for Gate: the outrigger Deck plugin, Deck-only (`requires: deck>=0.0.0`).",
        description: "Point Gate's `spinnaker.extensibility.repositories.<name>.url` here and enable the plugin under\n`spinnaker.extensibility.deck-proxy.plugins`. The release `url` is relative to this index; `sha512sum` is the\ndigest of the bytes `GET /plugins/repository/deck.zip` serves.\n",
        security: [],
        responses: {
          "200": {
            description: "The repository index.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/PluginInfo"
                  }
                }
              }
            }
          }
        }
      }
    },
    "/plugins/repository/deck.zip": {
      get: {
        operationId: "getDeckPluginBundle",
        tags: [
          "plugins"
        ],
        summary: "The Deck plugin bundle: a zip with `index.js` (an ES module exporting `plugin`) at its root.",
        security: [],
        responses: {
          "200": {
            description: "The zip.",
            content: {
              "application/zip": {
                schema: {
                  type: "string",
                  contentMediaType: "application/zip"
                }
              }
            }
          },
          "404": {
            $ref: "#/components/responses/NotFound"
          }
        }
      }
    },
    "/accounts": {
      get: {
        operationId: "listAccounts",
        tags: [
          "plugins"
        ],
        summary: "The accounts the caller may read, with their regions and what outrigger does with them (the Deck stage pickers).",
        responses: {
          "200": {
            description: "Accounts, in configuration order.",
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  items: {
                    $ref: "#/components/schemas/AccountSummary"
                  }
                }
              }
            }
          }
        }
      }
    }
  },
  components: {
    schemas: {
      PluginInfo: {
        type: "object",
        description: "pf4j `PluginInfo`, one entry of `plugins.json`.",
        required: [
          "id",
          "name",
          "description",
          "provider",
          "releases"
        ],
        properties: {
          id: {
            type: "string",
            examples: [
              "Outrigger.DeckStages"
            ]
          },
          name: {
            type: "string"
          },
          description: {
            type: "string"
          },
          provider: {
            type: "string"
          },
          projectUrl: {
            type: "string"
          },
          releases: {
            type: "array",
            items: {
              $ref: "#/components/schemas/PluginRelease"
            }
          }
        }
      },
      PluginRelease: {
        type: "object",
        description: "pf4j `PluginRelease` (kork's `SpinnakerPluginRelease`).",
        required: [
          "version",
          "date",
          "requires",
          "url",
          "sha512sum"
        ],
        properties: {
          version: {
            type: "string",
            examples: [
              "0.1.0"
            ]
          },
          date: {
            type: "string",
            description: "`yyyy-MM-dd'T'HH:mm:ss'Z'` (pf4j's lenient date adapter)."
          },
          requires: {
            type: "string",
            examples: [
              "deck>=0.0.0"
            ]
          },
          url: {
            type: "string",
            description: "Relative to the repository URL."
          },
          sha512sum: {
            type: "string",
            description: "Hex SHA-512 of the zip served at `url`."
          },
          preferred: {
            type: "boolean"
          }
        }
      },
      AccountSummary: {
        type: "object",
        required: [
          "name",
          "type",
          "cloudProvider",
          "regions",
          "lambdaEnabled",
          "ecsEnabled"
        ],
        properties: {
          name: {
            type: "string"
          },
          type: {
            type: "string",
            enum: [
              "aws"
            ]
          },
          cloudProvider: {
            type: "string",
            enum: [
              "aws"
            ]
          },
          accountId: {
            type: "string"
          },
          environment: {
            type: "string"
          },
          accountType: {
            type: "string"
          },
          regions: {
            type: "array",
            items: {
              type: "object",
              required: [
                "name"
              ],
              properties: {
                name: {
                  type: "string"
                }
              }
            }
          },
          lambdaEnabled: {
            type: "boolean"
          },
          ecsEnabled: {
            type: "boolean"
          }
        },
        examples: [
          {
            name: "prod",
            type: "aws",
            cloudProvider: "aws",
            accountId: "123456789012",
            regions: [
              {
                name: "us-east-1"
              }
            ],
            lambdaEnabled: true,
            ecsEnabled: true
          }
        ]
      },
      ErrorBody: {
        type: "object",
        description: "Spinnaker's kork/Spring error map, plus `errors[]` for validation failures.",
        required: [
          "timestamp",
          "status",
          "error",
          "message",
          "path"
        ],
        properties: {
          timestamp: {
            type: "integer",
            description: "Milliseconds since the epoch."
          },
          status: {
            type: "integer",
            description: "HTTP status code."
          },
          error: {
            type: "string",
            description: "HTTP reason phrase."
          },
          message: {
            type: "string"
          },
          path: {
            type: "string",
            description: "The request path."
          },
          requestId: {
            type: "string",
            description: "The request id (also the `X-Request-Id` response header), for finding the log lines."
          },
          errors: {
            type: "array",
            items: {
              $ref: "#/components/schemas/FieldError"
            }
          }
        },
        examples: [
          {
            timestamp: 17e11,
            status: 400,
            error: "Bad Request",
            message: "Validation Failed",
            path: "/aws/ops/createLambdaFunction",
            errors: [
              {
                field: "$.body.memorySize",
                message: "expected number, received string"
              }
            ]
          }
        ]
      },
      FieldError: {
        type: "object",
        description: "One rejected field, named by its JSON path in the request.",
        required: [
          "field",
          "message"
        ],
        properties: {
          field: {
            type: "string",
            description: "JSON path of the field, e.g. `$.body.functionName` or `$.query.rebake`.",
            examples: [
              "$.body.memorySize"
            ]
          },
          message: {
            type: "string",
            description: "What was expected. Never echoes a secret value.",
            examples: [
              "expected number, received string"
            ]
          }
        }
      },
      Health: {
        type: "object",
        description: "Spring Boot actuator's health shape, as Spinnaker's services answer it.",
        required: [
          "status"
        ],
        properties: {
          status: {
            type: "string",
            enum: [
              "UP",
              "DOWN"
            ]
          },
          components: {
            type: "object",
            description: "Health of each part (task store, providers).",
            additionalProperties: {
              type: "object",
              required: [
                "status"
              ],
              properties: {
                status: {
                  type: "string",
                  enum: [
                    "UP",
                    "DOWN"
                  ]
                },
                details: {
                  type: "object",
                  additionalProperties: true
                }
              }
            }
          }
        },
        examples: [
          {
            status: "UP"
          }
        ]
      },
      Task: {
        type: "object",
        description: "clouddriver's `DefaultTask` as served by `GET /task/{id}`.",
        required: [
          "id",
          "startTimeMs",
          "status",
          "history",
          "resultObjects"
        ],
        properties: {
          id: {
            type: "string"
          },
          ownerId: {
            type: "string",
            description: "`uuid@hostname` of the process that runs the task."
          },
          requestId: {
            type: "string",
            description: "The `clientRequestId` the task was submitted with, if any."
          },
          operation: {
            type: "string",
            description: "The operation name, e.g. `createLambdaFunction`."
          },
          account: {
            type: "string"
          },
          startTimeMs: {
            type: "integer"
          },
          endTimeMs: {
            type: "integer"
          },
          retryable: {
            type: "boolean"
          },
          status: {
            $ref: "#/components/schemas/TaskStatus"
          },
          history: {
            type: "array",
            items: {
              $ref: "#/components/schemas/TaskHistoryEntry"
            }
          },
          resultObjects: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: true
            }
          },
          outputs: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: true
            }
          }
        },
        examples: [
          {
            id: "0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11",
            ownerId: "5f1c@outrigger-0",
            startTimeMs: 17e11,
            status: {
              phase: "ORCHESTRATION",
              status: "Orchestration completed.",
              complete: true,
              completed: true,
              failed: false,
              retryable: false
            },
            history: [
              {
                phase: "ORCHESTRATION",
                status: "Initializing Orchestration Task"
              },
              {
                phase: "ORCHESTRATION",
                status: "Orchestration completed."
              }
            ],
            resultObjects: [
              {
                functionName: "demo-api",
                version: "3"
              }
            ]
          }
        ]
      },
      TaskStatus: {
        type: "object",
        description: "clouddriver's task status block. Orca reads `completed` and `failed`.",
        required: [
          "phase",
          "status",
          "complete",
          "completed",
          "failed",
          "retryable"
        ],
        properties: {
          phase: {
            type: "string",
            examples: [
              "ORCHESTRATION"
            ]
          },
          status: {
            type: "string",
            description: "The newest progress line."
          },
          complete: {
            type: "boolean"
          },
          completed: {
            type: "boolean"
          },
          failed: {
            type: "boolean"
          },
          retryable: {
            type: "boolean"
          }
        }
      },
      TaskHistoryEntry: {
        type: "object",
        required: [
          "phase",
          "status"
        ],
        properties: {
          phase: {
            type: "string"
          },
          status: {
            type: "string"
          },
          timestamp: {
            type: "integer",
            description: "Milliseconds since the epoch."
          }
        }
      },
      TaskRef: {
        type: "object",
        description: "clouddriver's answer to an operation submission.",
        required: [
          "id",
          "resourceUri"
        ],
        properties: {
          id: {
            type: "string"
          },
          resourceUri: {
            type: "string",
            examples: [
              "/task/0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11"
            ]
          }
        }
      },
      WebhookTaskStatus: {
        type: "object",
        description: "The same task as a status resource for Orca's preconfigured webhook stages\n(`statusJsonPath: $.status`, `progressJsonPath: $.message`, `successStatuses: SUCCEEDED`,\n`canceledStatuses: CANCELED`, `terminalStatuses: TERMINAL`).\n",
        required: [
          "id",
          "status",
          "message"
        ],
        properties: {
          id: {
            type: "string"
          },
          status: {
            type: "string",
            enum: [
              "RUNNING",
              "SUCCEEDED",
              "TERMINAL",
              "CANCELED"
            ]
          },
          message: {
            type: "string",
            description: "The newest progress line, or the failure a person can act on."
          },
          operation: {
            type: "string"
          },
          resultObjects: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: true
            }
          },
          artifacts: {
            type: "array",
            items: {
              $ref: "#/components/schemas/Artifact"
            }
          }
        },
        examples: [
          {
            id: "0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11",
            status: "RUNNING",
            message: "Processing op: createLambdaFunction"
          }
        ]
      },
      Artifact: {
        type: "object",
        description: "A Spinnaker (kork) artifact.",
        required: [
          "type"
        ],
        properties: {
          type: {
            type: "string",
            examples: [
              "embedded/base64",
              "http/file",
              "s3/object",
              "docker/image",
              "aws/image"
            ]
          },
          name: {
            type: "string"
          },
          version: {
            type: "string"
          },
          location: {
            type: "string"
          },
          reference: {
            type: "string"
          },
          artifactAccount: {
            type: "string"
          },
          provenance: {
            type: "string"
          },
          uuid: {
            type: "string"
          },
          customKind: {
            type: "boolean"
          },
          metadata: {
            type: "object",
            additionalProperties: true
          }
        },
        additionalProperties: true
      },
      EcsImageDescription: {
        type: "object",
        description: "Orca/Deck `imageDescription` (how a pipeline image is chosen for one container).",
        required: [],
        properties: {
          imageId: {
            type: "string",
            maxLength: 1024
          },
          message: {
            type: "string",
            maxLength: 1024
          },
          fromTrigger: {
            type: "boolean"
          },
          fromContext: {
            type: "boolean"
          },
          stageId: {
            type: "string",
            maxLength: 256
          },
          imageLabelOrSha: {
            type: "string",
            maxLength: 1024
          },
          account: {
            type: "string",
            maxLength: 256
          },
          registry: {
            type: "string",
            maxLength: 512
          },
          repository: {
            type: "string",
            maxLength: 512
          },
          tag: {
            type: "string",
            maxLength: 256
          },
          organization: {
            type: "string",
            maxLength: 256
          }
        }
      },
      EcsContainerMapping: {
        type: "object",
        description: "Orca's `containerMappings[]` entry.",
        required: [
          "containerName",
          "imageDescription"
        ],
        properties: {
          containerName: {
            type: "string",
            minLength: 1,
            maxLength: 255
          },
          imageDescription: {
            $ref: "#/components/schemas/EcsImageDescription"
          }
        }
      },
      EcsImageArtifactRule: {
        type: "object",
        description: "Binds the `docker/image` artifact named `artifactName` to container `containerName`.",
        required: [
          "containerName",
          "artifactName"
        ],
        properties: {
          containerName: {
            type: "string",
            minLength: 1,
            maxLength: 255
          },
          artifactName: {
            type: "string",
            minLength: 1,
            maxLength: 1024
          }
        }
      },
      EcsContainerOverride: {
        type: "object",
        description: "Stage overrides for one container (or `*` for all); environment and secrets are upserted by name.",
        required: [],
        properties: {
          environment: {
            type: "object",
            additionalProperties: {
              type: "string",
              maxLength: 32768
            }
          },
          secrets: {
            type: "object",
            description: "`name \u2192 valueFrom` (Secrets Manager or SSM ARN, or SSM parameter name).",
            additionalProperties: {
              type: "string",
              maxLength: 2048
            }
          },
          dockerLabels: {
            type: "object",
            additionalProperties: {
              type: "string",
              maxLength: 4096
            }
          },
          removeEnvironment: {
            type: "array",
            items: {
              type: "string",
              maxLength: 255
            }
          }
        }
      },
      EcsStageOverrides: {
        type: "object",
        description: "Stage overrides, applied in this order over the artifact: `overlays` (JSON merge patches; a `containerDefinitions`\nobject patches containers by name), then `containers`, `taskRoleArn`, `executionRoleArn`. Spinnaker-injected\nvalues come last.\n",
        required: [],
        properties: {
          containers: {
            type: "object",
            additionalProperties: {
              $ref: "#/components/schemas/EcsContainerOverride"
            }
          },
          taskRoleArn: {
            type: "string",
            maxLength: 2048
          },
          executionRoleArn: {
            type: "string",
            maxLength: 2048
          },
          overlays: {
            type: "array",
            maxItems: 50,
            items: {
              type: "object",
              additionalProperties: true
            }
          }
        }
      },
      EcsMoniker: {
        type: "object",
        required: [],
        properties: {
          app: {
            type: "string",
            maxLength: 255
          },
          stack: {
            type: "string",
            maxLength: 255
          },
          detail: {
            type: "string",
            maxLength: 255
          },
          cluster: {
            type: "string",
            maxLength: 255
          },
          sequence: {
            type: "integer",
            minimum: 0,
            maximum: 999
          }
        }
      },
      EcsCapacity: {
        type: "object",
        required: [
          "min",
          "max",
          "desired"
        ],
        properties: {
          min: {
            type: "integer",
            minimum: 0
          },
          max: {
            type: "integer",
            minimum: 0
          },
          desired: {
            type: "integer",
            minimum: 0
          }
        }
      },
      EcsSource: {
        type: "object",
        description: "The previous server group (Orca fills it).",
        required: [],
        properties: {
          account: {
            type: "string",
            maxLength: 256
          },
          region: {
            type: "string",
            maxLength: 64
          },
          asgName: {
            type: "string",
            maxLength: 255
          },
          useSourceCapacity: {
            type: "boolean"
          }
        }
      },
      EcsCapacityProviderStrategyItem: {
        type: "object",
        required: [
          "capacityProvider"
        ],
        properties: {
          capacityProvider: {
            type: "string",
            minLength: 1,
            maxLength: 255
          },
          base: {
            type: "integer",
            minimum: 0,
            maximum: 1e5
          },
          weight: {
            type: "integer",
            minimum: 0,
            maximum: 1e3
          }
        }
      },
      EcsPlacementConstraint: {
        type: "object",
        required: [
          "type"
        ],
        properties: {
          type: {
            type: "string",
            maxLength: 64
          },
          expression: {
            type: "string",
            maxLength: 2e3
          }
        }
      },
      EcsPlacementStrategy: {
        type: "object",
        required: [
          "type"
        ],
        properties: {
          type: {
            type: "string",
            maxLength: 64
          },
          field: {
            type: "string",
            maxLength: 255
          }
        }
      },
      EcsTargetGroupMapping: {
        type: "object",
        required: [
          "containerName",
          "targetGroup"
        ],
        properties: {
          containerName: {
            type: "string",
            maxLength: 255
          },
          containerPort: {
            type: "integer",
            minimum: 0,
            maximum: 65535
          },
          targetGroup: {
            type: "string",
            maxLength: 2048,
            description: "Target group name (or ARN)."
          }
        }
      },
      EcsServiceDiscoveryAssociation: {
        type: "object",
        required: [
          "registry"
        ],
        properties: {
          registry: {
            type: "object",
            required: [],
            properties: {
              arn: {
                type: "string",
                maxLength: 2048
              },
              name: {
                type: "string",
                maxLength: 255
              },
              id: {
                type: "string",
                maxLength: 255
              }
            }
          },
          containerPort: {
            type: "integer",
            minimum: 0,
            maximum: 65535
          },
          containerName: {
            type: "string",
            maxLength: 255
          }
        }
      },
      EcsScalingPolicy: {
        type: "object",
        description: "A target-tracking scaling policy defined from scratch (outrigger extension).",
        required: [
          "targetValue"
        ],
        properties: {
          name: {
            type: "string",
            maxLength: 255
          },
          predefinedMetricType: {
            type: "string",
            enum: [
              "ECSServiceAverageCPUUtilization",
              "ECSServiceAverageMemoryUtilization",
              "ALBRequestCountPerTarget"
            ]
          },
          targetValue: {
            type: "number"
          },
          scaleInCooldown: {
            type: "integer",
            minimum: 0
          },
          scaleOutCooldown: {
            type: "integer",
            minimum: 0
          },
          disableScaleIn: {
            type: "boolean"
          }
        }
      },
      EcsDeploymentFields: {
        type: "object",
        description: "clouddriver's CreateServerGroupDescription for ECS (ecs-artifacts.md \xA71.1) plus outrigger's resolver inputs.\nUnknown fields are ignored (Orca passes its whole stage context).\n",
        required: [],
        properties: {
          account: {
            type: "string",
            maxLength: 256
          },
          credentials: {
            type: "string",
            maxLength: 256
          },
          application: {
            type: "string",
            maxLength: 255
          },
          stack: {
            type: "string",
            maxLength: 255
          },
          freeFormDetails: {
            type: "string",
            maxLength: 255
          },
          moniker: {
            $ref: "#/components/schemas/EcsMoniker"
          },
          region: {
            type: "string",
            maxLength: 64
          },
          availabilityZones: {
            type: "object",
            additionalProperties: {
              type: "array",
              items: {
                type: "string",
                maxLength: 64
              }
            }
          },
          ecsClusterName: {
            type: "string",
            maxLength: 255
          },
          capacity: {
            $ref: "#/components/schemas/EcsCapacity"
          },
          source: {
            $ref: "#/components/schemas/EcsSource"
          },
          copySourceScalingPoliciesAndActions: {
            type: "boolean"
          },
          launchType: {
            type: "string",
            enum: [
              "EC2",
              "FARGATE",
              "EXTERNAL",
              ""
            ]
          },
          capacityProviderStrategy: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsCapacityProviderStrategyItem"
            }
          },
          platformVersion: {
            type: "string",
            maxLength: 64
          },
          networkMode: {
            type: "string",
            enum: [
              "bridge",
              "host",
              "awsvpc",
              "none",
              "default"
            ]
          },
          subnetType: {
            type: "string",
            maxLength: 255
          },
          subnetTypes: {
            type: "array",
            items: {
              type: "string",
              maxLength: 255
            }
          },
          subnetIds: {
            type: "array",
            description: "Subnet IDs (outrigger extension; Spinnaker's subnetTypes need subnet tagging).",
            items: {
              type: "string",
              maxLength: 64
            }
          },
          securityGroupNames: {
            type: "array",
            items: {
              type: "string",
              maxLength: 255
            }
          },
          securityGroupIds: {
            type: "array",
            description: "Security group IDs (outrigger extension).",
            items: {
              type: "string",
              maxLength: 64
            }
          },
          associatePublicIpAddress: {
            type: "boolean"
          },
          healthCheckGracePeriodSeconds: {
            type: "integer",
            minimum: 0,
            maximum: 2147483647
          },
          placementConstraints: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsPlacementConstraint"
            }
          },
          placementStrategySequence: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsPlacementStrategy"
            }
          },
          serviceDiscoveryAssociations: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsServiceDiscoveryAssociation"
            }
          },
          targetGroup: {
            type: "string",
            maxLength: 2048
          },
          containerPort: {
            type: "integer",
            minimum: 0,
            maximum: 65535
          },
          loadBalancedContainer: {
            type: "string",
            maxLength: 255
          },
          targetGroupMappings: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsTargetGroupMapping"
            }
          },
          iamRole: {
            type: "string",
            maxLength: 2048
          },
          tags: {
            type: "object",
            additionalProperties: {
              type: "string",
              maxLength: 256
            }
          },
          useTaskDefinitionArtifact: {
            type: "boolean"
          },
          resolvedTaskDefinitionArtifact: {
            $ref: "#/components/schemas/Artifact"
          },
          taskDefinitionArtifactAccount: {
            type: "string",
            maxLength: 256
          },
          evaluateTaskDefinitionArtifactExpressions: {
            type: "boolean"
          },
          spelProcessedTaskDefinitionArtifact: {
            type: "object",
            additionalProperties: true
          },
          pinImageDigests: {
            type: "boolean",
            description: "Pin ECR images given by tag to their digest (the tag goes to the docker label `outrigger.io/image-tag`)."
          },
          fromTaskDefinition: {
            type: "string",
            maxLength: 2048,
            description: "Use a registered task definition as the artifact (`family`, `family:revision` or ARN; read with\nDescribeTaskDefinition incl. tags in the request's account), as render-task-definition's\n`task-definition-arn`/`-family` inputs do.\n"
          },
          containerToImageMap: {
            type: "object",
            additionalProperties: {
              type: "string",
              maxLength: 1024
            }
          },
          containerMappings: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsContainerMapping"
            }
          },
          artifacts: {
            type: "array",
            description: "Artifacts the stage can see; `docker/image` ones bind images by repository or by `imageArtifactRules`.",
            items: {
              $ref: "#/components/schemas/Artifact"
            }
          },
          imageArtifactRules: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsImageArtifactRule"
            }
          },
          keepImage: {
            type: "array",
            description: "Containers allowed to keep the image written in the artifact even if it looks like a placeholder.",
            items: {
              type: "string",
              maxLength: 255
            }
          },
          overrides: {
            $ref: "#/components/schemas/EcsStageOverrides"
          },
          trigger: {
            type: "object",
            description: "The pipeline trigger (for `imageDescription.fromTrigger`).",
            additionalProperties: true
          },
          stages: {
            type: "array",
            description: "Upstream stages `{refId, context}` (for `imageDescription.fromContext`).",
            items: {
              type: "object",
              additionalProperties: true
            }
          },
          enableExecuteCommand: {
            type: "boolean"
          },
          enableDeploymentCircuitBreaker: {
            type: "boolean"
          },
          scalingPolicies: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsScalingPolicy"
            }
          }
        }
      },
      EcsRenderRequest: {
        description: "What to render: the task-definition artifact (`artifact`, `resolvedTaskDefinitionArtifact`, or an inline\n`taskDefinition`), image bindings, overrides and, optionally, the server group it is for (then Spinnaker's values\nare injected and the result is diffed against the cluster's current server group).\n",
        allOf: [
          {
            $ref: "#/components/schemas/EcsDeploymentFields"
          },
          {
            type: "object",
            required: [],
            properties: {
              artifact: {
                $ref: "#/components/schemas/Artifact"
              },
              taskDefinition: {
                type: "object",
                additionalProperties: true
              },
              serverGroupName: {
                type: "string",
                maxLength: 255
              },
              failOnError: {
                type: "boolean",
                description: "Answer 400 when a finding is an error (default true); false returns the findings with `ok=false`."
              }
            }
          }
        ]
      },
      EcsReportEntry: {
        type: "object",
        required: [
          "action",
          "pointer",
          "source",
          "reason"
        ],
        properties: {
          action: {
            type: "string",
            enum: [
              "unwrapped",
              "dropped",
              "renamed",
              "converted",
              "set",
              "replaced",
              "removed",
              "patched"
            ]
          },
          pointer: {
            type: "string"
          },
          to: {
            type: "string"
          },
          source: {
            type: "string",
            enum: [
              "artifact",
              "overlay",
              "override",
              "injected",
              "image"
            ]
          },
          reason: {
            type: "string"
          }
        }
      },
      EcsFinding: {
        type: "object",
        required: [
          "severity",
          "code",
          "in",
          "pointer",
          "message"
        ],
        properties: {
          severity: {
            type: "string",
            enum: [
              "error",
              "warning"
            ]
          },
          code: {
            type: "string"
          },
          in: {
            type: "string",
            enum: [
              "taskDefinition",
              "request",
              "artifact"
            ]
          },
          pointer: {
            type: "string"
          },
          message: {
            type: "string"
          },
          container: {
            type: "string"
          }
        }
      },
      EcsImageBinding: {
        type: "object",
        required: [
          "containerName",
          "image",
          "source"
        ],
        properties: {
          containerName: {
            type: "string"
          },
          image: {
            type: "string"
          },
          source: {
            type: "string",
            enum: [
              "containerToImageMap",
              "containerMappings",
              "artifact",
              "artifact-rule",
              "kept"
            ]
          },
          artifact: {
            type: "object",
            properties: {
              name: {
                type: "string"
              },
              reference: {
                type: "string"
              }
            }
          }
        }
      },
      EcsDiffChange: {
        type: "object",
        required: [
          "op",
          "path"
        ],
        properties: {
          op: {
            type: "string",
            enum: [
              "add",
              "remove",
              "replace"
            ]
          },
          path: {
            type: "string"
          },
          from: {},
          value: {}
        }
      },
      EcsDiff: {
        type: "object",
        required: [
          "changes"
        ],
        properties: {
          against: {
            type: "object",
            required: [
              "serverGroupName"
            ],
            properties: {
              serverGroupName: {
                type: "string"
              },
              taskDefinitionArn: {
                type: "string"
              }
            }
          },
          changes: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsDiffChange"
            }
          }
        }
      },
      EcsRenderResponse: {
        type: "object",
        required: [
          "id",
          "ok",
          "url",
          "report",
          "findings",
          "images",
          "diff",
          "artifacts"
        ],
        properties: {
          id: {
            type: "string"
          },
          ok: {
            type: "boolean"
          },
          url: {
            type: "string",
            description: "Where clouddriver can fetch the render as an `http/file` artifact."
          },
          taskDefinition: {
            type: "object",
            additionalProperties: true
          },
          report: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsReportEntry"
            }
          },
          findings: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsFinding"
            }
          },
          images: {
            type: "array",
            items: {
              $ref: "#/components/schemas/EcsImageBinding"
            }
          },
          diff: {
            $ref: "#/components/schemas/EcsDiff"
          },
          artifacts: {
            type: "array",
            description: "The render as `http/file` and `embedded/base64` artifacts (Orca's webhook stage binds top-level `artifacts`).",
            items: {
              $ref: "#/components/schemas/Artifact"
            }
          }
        }
      },
      EcsServerGroupRef: {
        type: "object",
        description: "clouddriver's description for disable/enable/resize/destroy (`serverGroupName` or `asgName`).",
        required: [
          "region"
        ],
        properties: {
          account: {
            type: "string",
            maxLength: 256
          },
          credentials: {
            type: "string",
            maxLength: 256
          },
          region: {
            type: "string",
            minLength: 1,
            maxLength: 64
          },
          serverGroupName: {
            type: "string",
            maxLength: 255
          },
          asgName: {
            type: "string",
            maxLength: 255
          },
          ecsClusterName: {
            type: "string",
            maxLength: 255
          },
          moniker: {
            $ref: "#/components/schemas/EcsMoniker"
          }
        }
      },
      EcsResizeDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/EcsServerGroupRef"
          },
          {
            type: "object",
            required: [
              "capacity"
            ],
            properties: {
              capacity: {
                $ref: "#/components/schemas/EcsCapacity"
              }
            }
          }
        ]
      },
      EcsDeployRequest: {
        description: "One-call deploy for preconfigured webhook stages (a createServerGroup description plus a strategy).",
        allOf: [
          {
            $ref: "#/components/schemas/EcsDeploymentFields"
          },
          {
            type: "object",
            required: [
              "strategy"
            ],
            properties: {
              strategy: {
                type: "string",
                enum: [
                  "redblack",
                  "highlander",
                  "none"
                ]
              },
              artifact: {
                $ref: "#/components/schemas/Artifact"
              },
              taskDefinition: {
                type: "object",
                additionalProperties: true
              },
              maxWaitSeconds: {
                type: "integer",
                minimum: 1,
                maximum: 7200
              },
              scaleDownOldServerGroups: {
                type: "boolean",
                description: "redblack only; disabled old services are kept (default) or destroyed."
              }
            }
          }
        ]
      },
      EcsOperationsRequest: {
        type: "array",
        description: 'clouddriver\'s form: `[{"createServerGroup": {\u2026}}]` (one operation per element, run in order as one task).',
        minItems: 1,
        maxItems: 20,
        items: {
          type: "object",
          additionalProperties: true
        }
      },
      StringMap: {
        type: [
          "object",
          "null"
        ],
        maxProperties: 200,
        additionalProperties: {
          type: "string",
          maxLength: 4096
        }
      },
      StringList: {
        type: [
          "array",
          "null"
        ],
        maxItems: 100,
        items: {
          type: "string",
          maxLength: 2048
        }
      },
      LambdaArtifact: {
        type: [
          "object",
          "null"
        ],
        description: "A Spinnaker artifact outrigger reads itself (`s3/object`, `http/file`, `embedded/base64`).",
        required: [
          "type"
        ],
        properties: {
          type: {
            type: "string",
            maxLength: 64,
            examples: [
              "s3/object"
            ]
          },
          name: {
            type: [
              "string",
              "null"
            ],
            maxLength: 2048
          },
          reference: {
            type: [
              "string",
              "null"
            ],
            maxLength: 10485760,
            description: "s3://bucket/key, an http(s) URL, or base64 content"
          },
          version: {
            type: [
              "string",
              "null"
            ],
            maxLength: 1024
          },
          artifactAccount: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          },
          location: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          }
        }
      },
      DestinationConfig: {
        type: [
          "object",
          "null"
        ],
        properties: {
          onSuccess: {
            type: [
              "object",
              "null"
            ],
            properties: {
              destination: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 2048
              }
            }
          },
          onFailure: {
            type: [
              "object",
              "null"
            ],
            properties: {
              destination: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 2048
              }
            }
          }
        }
      },
      AsyncInvokeConfig: {
        type: [
          "object",
          "null"
        ],
        description: "Retries and destinations of asynchronous invocations (PutFunctionEventInvokeConfig).",
        properties: {
          maximumRetryAttempts: {
            type: [
              "integer",
              "null"
            ],
            minimum: 0,
            maximum: 2
          },
          maximumEventAgeInSeconds: {
            type: [
              "integer",
              "null"
            ],
            minimum: 60,
            maximum: 21600
          },
          destinationConfig: {
            $ref: "#/components/schemas/DestinationConfig"
          }
        }
      },
      FunctionUrlConfig: {
        type: [
          "object",
          "null"
        ],
        description: "A function URL (CreateFunctionUrlConfig / UpdateFunctionUrlConfig); `enabled false` deletes it.",
        properties: {
          enabled: {
            type: [
              "boolean",
              "null"
            ]
          },
          authType: {
            type: [
              "string",
              "null"
            ],
            enum: [
              "NONE",
              "AWS_IAM",
              null
            ]
          },
          invokeMode: {
            type: [
              "string",
              "null"
            ],
            enum: [
              "BUFFERED",
              "RESPONSE_STREAM",
              null
            ]
          },
          cors: {
            type: [
              "object",
              "null"
            ],
            properties: {
              allowCredentials: {
                type: [
                  "boolean",
                  "null"
                ]
              },
              allowHeaders: {
                $ref: "#/components/schemas/StringList"
              },
              allowMethods: {
                $ref: "#/components/schemas/StringList"
              },
              allowOrigins: {
                $ref: "#/components/schemas/StringList"
              },
              exposeHeaders: {
                $ref: "#/components/schemas/StringList"
              },
              maxAge: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: 0,
                maximum: 86400
              }
            }
          }
        }
      },
      LambdaFunctionSettings: {
        type: "object",
        description: "Configuration fields shared by createLambdaFunction and updateLambdaFunctionConfiguration.",
        properties: {
          description: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          },
          handler: {
            type: [
              "string",
              "null"
            ],
            maxLength: 128
          },
          role: {
            type: [
              "string",
              "null"
            ],
            maxLength: 2048,
            description: "IAM role ARN"
          },
          runtime: {
            type: [
              "string",
              "null"
            ],
            maxLength: 64
          },
          layers: {
            $ref: "#/components/schemas/StringList"
          },
          memorySize: {
            type: [
              "integer",
              "null"
            ],
            minimum: 128,
            maximum: 10240
          },
          timeout: {
            type: [
              "integer",
              "null"
            ],
            minimum: 1,
            maximum: 900
          },
          tags: {
            $ref: "#/components/schemas/StringMap"
          },
          envVariables: {
            $ref: "#/components/schemas/StringMap"
          },
          subnetIds: {
            $ref: "#/components/schemas/StringList"
          },
          securityGroupIds: {
            $ref: "#/components/schemas/StringList"
          },
          targetGroups: {
            description: "One target group name or ARN (clouddriver's form) or a list of them.",
            oneOf: [
              {
                type: "string",
                maxLength: 2048
              },
              {
                $ref: "#/components/schemas/StringList"
              }
            ]
          },
          deadLetterConfig: {
            type: [
              "object",
              "null"
            ],
            properties: {
              targetArn: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 2048
              }
            }
          },
          tracingConfig: {
            type: [
              "object",
              "null"
            ],
            properties: {
              mode: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "Active",
                  "PassThrough",
                  null
                ]
              }
            }
          },
          kmskeyArn: {
            type: [
              "string",
              "null"
            ],
            maxLength: 2048
          },
          imageConfig: {
            type: [
              "object",
              "null"
            ],
            properties: {
              command: {
                $ref: "#/components/schemas/StringList"
              },
              entryPoint: {
                $ref: "#/components/schemas/StringList"
              },
              workingDirectory: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 1e3
              }
            }
          },
          architectures: {
            type: [
              "array",
              "null"
            ],
            maxItems: 1,
            items: {
              type: "string",
              enum: [
                "x86_64",
                "arm64"
              ]
            }
          },
          ephemeralStorage: {
            type: [
              "object",
              "null"
            ],
            properties: {
              size: {
                type: "integer",
                minimum: 512,
                maximum: 10240
              }
            }
          },
          snapStart: {
            type: [
              "object",
              "null"
            ],
            properties: {
              applyOn: {
                type: "string",
                enum: [
                  "PublishedVersions",
                  "None"
                ]
              }
            }
          },
          loggingConfig: {
            type: [
              "object",
              "null"
            ],
            properties: {
              logFormat: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "JSON",
                  "Text",
                  null
                ]
              },
              applicationLogLevel: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "TRACE",
                  "DEBUG",
                  "INFO",
                  "WARN",
                  "ERROR",
                  "FATAL",
                  null
                ]
              },
              systemLogLevel: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "DEBUG",
                  "INFO",
                  "WARN",
                  null
                ]
              },
              logGroup: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 512
              }
            }
          },
          functionUrl: {
            $ref: "#/components/schemas/FunctionUrlConfig"
          },
          asyncInvokeConfig: {
            $ref: "#/components/schemas/AsyncInvokeConfig"
          }
        }
      },
      LambdaDescriptionBase: {
        type: "object",
        required: [
          "credentials",
          "region"
        ],
        properties: {
          credentials: {
            type: "string",
            minLength: 1,
            maxLength: 256,
            description: "The account name."
          },
          account: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          },
          region: {
            type: "string",
            minLength: 1,
            maxLength: 64
          },
          appName: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          },
          cloudProvider: {
            type: [
              "string",
              "null"
            ],
            maxLength: 64
          }
        }
      },
      CreateLambdaFunctionDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            $ref: "#/components/schemas/LambdaFunctionSettings"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              s3bucket: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 63
              },
              s3key: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 1024
              },
              publish: {
                type: [
                  "boolean",
                  "null"
                ]
              },
              packageType: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "Zip",
                  "Image",
                  null
                ]
              },
              imageUri: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 2048
              },
              artifact: {
                $ref: "#/components/schemas/LambdaArtifact"
              }
            }
          }
        ]
      },
      DeleteLambdaFunctionAliasDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "aliasName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              aliasName: {
                type: "string",
                minLength: 1,
                maxLength: 128
              }
            }
          }
        ]
      },
      DeleteLambdaFunctionDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              qualifier: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 128,
                description: "A version; absent deletes the whole function."
              }
            }
          }
        ]
      },
      DeleteLambdaProvisionedConcurrencyDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "qualifier"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              qualifier: {
                type: "string",
                minLength: 1,
                maxLength: 128
              }
            }
          }
        ]
      },
      DeleteLambdaReservedConcurrencyDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              }
            }
          }
        ]
      },
      InvokeLambdaFunctionDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              qualifier: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 128
              },
              payload: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 6291456
              },
              payloadArtifact: {
                $ref: "#/components/schemas/LambdaArtifact"
              },
              timeout: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: -1,
                maximum: 900
              },
              invocationType: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "RequestResponse",
                  "Event",
                  "DryRun",
                  null
                ]
              }
            }
          }
        ]
      },
      LambdaEventMappingDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "eventSourceArn"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              qualifier: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 128
              },
              eventSourceArn: {
                type: "string",
                minLength: 1,
                maxLength: 2048
              },
              batchsize: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: 1,
                maximum: 1e4
              },
              enabled: {
                type: [
                  "boolean",
                  "null"
                ]
              },
              startingPosition: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "LATEST",
                  "TRIM_HORIZON",
                  "AT_TIMESTAMP",
                  null
                ]
              },
              bisectBatchOnError: {
                type: [
                  "boolean",
                  "null"
                ]
              },
              maxBatchingWindowSecs: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: -1,
                maximum: 300
              },
              maxRecordAgeSecs: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: -1,
                maximum: 604800
              },
              maxRetryAttempts: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: -1,
                maximum: 1e4
              },
              parallelizationFactor: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: -1,
                maximum: 10
              },
              tumblingWindowSecs: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: -1,
                maximum: 900
              },
              destinationConfig: {
                $ref: "#/components/schemas/DestinationConfig"
              },
              uuid: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 128
              }
            }
          }
        ]
      },
      PublishLambdaFunctionVersionDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              description: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 256
              },
              revisionId: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 128
              }
            }
          }
        ]
      },
      PutLambdaProvisionedConcurrencyDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "qualifier",
              "provisionedConcurrentExecutions"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              qualifier: {
                type: "string",
                minLength: 1,
                maxLength: 128
              },
              provisionedConcurrentExecutions: {
                type: "integer",
                minimum: 1,
                maximum: 1e5
              }
            }
          }
        ]
      },
      PutLambdaReservedConcurrencyDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "reservedConcurrentExecutions"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              reservedConcurrentExecutions: {
                type: "integer",
                minimum: 0,
                maximum: 1e5
              }
            }
          }
        ]
      },
      UpdateLambdaFunctionCodeDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              s3bucket: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 63
              },
              s3key: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 1024
              },
              imageUri: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 2048
              },
              artifact: {
                $ref: "#/components/schemas/LambdaArtifact"
              },
              publish: {
                type: [
                  "boolean",
                  "null"
                ]
              },
              architectures: {
                type: [
                  "array",
                  "null"
                ],
                maxItems: 1,
                items: {
                  type: "string",
                  enum: [
                    "x86_64",
                    "arm64"
                  ]
                }
              }
            }
          }
        ]
      },
      UpdateLambdaFunctionConfigurationDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            $ref: "#/components/schemas/LambdaFunctionSettings"
          },
          {
            type: "object",
            required: [
              "functionName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              }
            }
          }
        ]
      },
      UpsertLambdaFunctionAliasDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "aliasName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              aliasName: {
                type: "string",
                minLength: 1,
                maxLength: 128
              },
              aliasDescription: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 256
              },
              majorFunctionVersion: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 1024
              },
              minorFunctionVersion: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 1024
              },
              weightToMinorFunctionVersion: {
                type: [
                  "number",
                  "null"
                ],
                minimum: 0,
                maximum: 1
              }
            }
          }
        ]
      },
      LambdaOperationList: {
        type: "array",
        description: "clouddriver list form: an array of single-key objects (operation name to description); all entries run in one task, in order.",
        minItems: 1,
        maxItems: 20,
        items: {
          type: "object",
          minProperties: 1,
          maxProperties: 1,
          properties: {
            createLambdaFunction: {
              $ref: "#/components/schemas/CreateLambdaFunctionDescription"
            },
            updateLambdaFunctionConfiguration: {
              $ref: "#/components/schemas/UpdateLambdaFunctionConfigurationDescription"
            },
            updateLambdaFunctionCode: {
              $ref: "#/components/schemas/UpdateLambdaFunctionCodeDescription"
            },
            deleteLambdaFunction: {
              $ref: "#/components/schemas/DeleteLambdaFunctionDescription"
            },
            invokeLambdaFunction: {
              $ref: "#/components/schemas/InvokeLambdaFunctionDescription"
            },
            publishLambdaFunctionVersion: {
              $ref: "#/components/schemas/PublishLambdaFunctionVersionDescription"
            },
            upsertLambdaFunctionAlias: {
              $ref: "#/components/schemas/UpsertLambdaFunctionAliasDescription"
            },
            deleteLambdaFunctionAlias: {
              $ref: "#/components/schemas/DeleteLambdaFunctionAliasDescription"
            },
            upsertLambdaFunctionEventMapping: {
              $ref: "#/components/schemas/LambdaEventMappingDescription"
            },
            deleteLambdaFunctionEventMapping: {
              $ref: "#/components/schemas/LambdaEventMappingDescription"
            },
            putLambdaReservedConcurrency: {
              $ref: "#/components/schemas/PutLambdaReservedConcurrencyDescription"
            },
            deleteLambdaReservedConcurrency: {
              $ref: "#/components/schemas/DeleteLambdaReservedConcurrencyDescription"
            },
            putLambdaProvisionedConcurrency: {
              $ref: "#/components/schemas/PutLambdaProvisionedConcurrencyDescription"
            },
            deleteLambdaProvisionedConcurrency: {
              $ref: "#/components/schemas/DeleteLambdaProvisionedConcurrencyDescription"
            }
          }
        }
      },
      LambdaFunction: {
        type: "object",
        description: "clouddriver's `LambdaFunction`: the flattened GetFunction `Configuration` (camelCase) plus account, region, code,\ntags, concurrency, revisions, aliasConfigurations, eventSourceMappings and targetGroups. Nulls are left out.\n",
        required: [
          "functionName",
          "account",
          "region"
        ],
        additionalProperties: true,
        properties: {
          functionName: {
            type: "string"
          },
          functionArn: {
            type: "string"
          },
          account: {
            type: "string"
          },
          region: {
            type: "string"
          },
          cloudProvider: {
            type: "string"
          },
          runtime: {
            type: "string"
          },
          handler: {
            type: "string"
          },
          role: {
            type: "string"
          },
          version: {
            type: "string"
          },
          revisionId: {
            type: "string"
          },
          lastModified: {
            type: "string"
          },
          state: {
            type: "string"
          },
          lastUpdateStatus: {
            type: "string"
          },
          packageType: {
            type: "string"
          },
          tags: {
            type: "object",
            additionalProperties: {
              type: "string"
            }
          },
          revisions: {
            type: "object",
            additionalProperties: {
              type: "string"
            },
            description: "revisionId to version, incl. $LATEST"
          },
          aliasConfigurations: {
            type: "array",
            items: {
              $ref: "#/components/schemas/LambdaAliasConfiguration"
            }
          },
          eventSourceMappings: {
            type: "array",
            items: {
              $ref: "#/components/schemas/LambdaEventSourceMapping"
            }
          },
          targetGroups: {
            type: "array",
            items: {
              type: "string"
            }
          },
          moniker: {
            type: "object",
            properties: {
              app: {
                type: "string"
              },
              stack: {
                type: "string"
              },
              detail: {
                type: "string"
              },
              cluster: {
                type: "string"
              }
            }
          }
        }
      },
      LambdaEventSourceMapping: {
        type: "object",
        description: "One event source mapping of the function or of one of its aliases, as clouddriver's cache serialises the SDK's\nEventSourceMappingConfiguration (Jackson: `UUID` becomes `uuid`). Read by Orca's LambdaUpdateEventConfigurationTask\n(`functionArn`, `eventSourceArn`, `uuid`, `batchSize`) and Deck's AmazonFunctionDetails (`eventSourceArn`, `state`).\n",
        required: [
          "uuid",
          "eventSourceArn",
          "functionArn"
        ],
        additionalProperties: true,
        properties: {
          uuid: {
            type: "string"
          },
          eventSourceArn: {
            type: "string"
          },
          functionArn: {
            type: "string",
            description: "The function ARN, qualified when the mapping is on an alias or version."
          },
          batchSize: {
            type: "integer"
          },
          state: {
            type: "string",
            examples: [
              "Enabled"
            ]
          },
          stateTransitionReason: {
            type: "string"
          },
          lastModified: {
            type: "string"
          },
          startingPosition: {
            type: "string"
          },
          maximumBatchingWindowInSeconds: {
            type: "integer"
          }
        }
      },
      LambdaAliasConfiguration: {
        type: "object",
        description: "One alias (Deck's AmazonFunctionDetails reads `name` and `aliasArn`; Orca's traffic tasks read `functionVersion` and `routingConfig`).",
        required: [
          "name",
          "aliasArn"
        ],
        additionalProperties: true,
        properties: {
          name: {
            type: "string"
          },
          aliasArn: {
            type: "string"
          },
          functionVersion: {
            type: "string"
          },
          description: {
            type: "string"
          },
          revisionId: {
            type: "string"
          },
          routingConfig: {
            type: "object",
            properties: {
              additionalVersionWeights: {
                type: "object",
                additionalProperties: {
                  type: "number"
                }
              }
            }
          }
        }
      },
      LambdaRuntime: {
        type: "object",
        required: [
          "runtime",
          "family",
          "deprecated"
        ],
        properties: {
          runtime: {
            type: "string",
            examples: [
              "nodejs22.x"
            ]
          },
          family: {
            type: "string",
            examples: [
              "nodejs"
            ]
          },
          deprecated: {
            type: "boolean"
          },
          deprecationDate: {
            type: "string",
            description: "ISO date AWS ended (or ends) support, when known"
          }
        }
      },
      FunctionCacheRefresh: {
        type: "object",
        required: [
          "functionName",
          "region"
        ],
        properties: {
          credentials: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          },
          account: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          },
          region: {
            type: "string",
            minLength: 1,
            maxLength: 64
          },
          functionName: {
            type: "string",
            minLength: 1,
            maxLength: 140
          },
          appName: {
            type: [
              "string",
              "null"
            ],
            maxLength: 256
          }
        }
      },
      FunctionCacheRefreshResult: {
        type: "object",
        required: [
          "cachedIdentifiersByType"
        ],
        properties: {
          cachedIdentifiersByType: {
            type: "object",
            additionalProperties: {
              type: "array",
              items: {
                type: "string"
              }
            }
          },
          function: {
            $ref: "#/components/schemas/LambdaFunction"
          }
        }
      },
      FunctionCacheEntry: {
        type: "object",
        required: [
          "id",
          "details",
          "cacheTime",
          "processedCount",
          "processedTime"
        ],
        properties: {
          id: {
            type: "string"
          },
          details: {
            type: "object",
            additionalProperties: {
              type: "string"
            }
          },
          cacheTime: {
            type: "integer",
            description: "When outrigger last read the function (ms since the epoch)."
          },
          processedCount: {
            type: "integer"
          },
          processedTime: {
            type: "integer"
          }
        }
      },
      LambdaShiftStep: {
        type: "object",
        description: "One traffic step. `weight` is the percent of the alias's traffic on the new version once the step starts.",
        required: [
          "weight"
        ],
        properties: {
          weight: {
            type: "number",
            exclusiveMinimum: 0,
            maximum: 100,
            description: "Percent of traffic on the new version (0 < weight \u2264 100); the last step must be 100."
          },
          bakeSeconds: {
            type: [
              "integer",
              "null"
            ],
            minimum: 0,
            maximum: 86400,
            description: "How long the step holds, with gates checked every `gates.intervalSeconds`, before the next one (default 0)."
          }
        }
      },
      LambdaMetricGate: {
        type: "object",
        description: "A CloudWatch metric of the new version alone (`AWS/Lambda`, dimensions `FunctionName`, `Resource` = `function:alias`,\n`ExecutedVersion` = the new version), read over the last `periodSeconds`. `rate` divides by `Invocations` of the\nsame version; `absolute` compares the statistic itself. With `comparedToBaseline`, the threshold is the allowed\nexcess over the old version's value for the same window.\n",
        required: [
          "metric",
          "threshold"
        ],
        properties: {
          metric: {
            type: "string",
            enum: [
              "Errors",
              "Throttles",
              "Duration"
            ]
          },
          mode: {
            type: [
              "string",
              "null"
            ],
            enum: [
              "rate",
              "absolute",
              null
            ],
            description: "`rate` (default for Errors and Throttles: a fraction 0..1 of invocations) or `absolute` (a count, or milliseconds for Duration)."
          },
          statistic: {
            type: [
              "string",
              "null"
            ],
            maxLength: 16,
            description: "Statistic for Duration (default `p99`); Errors and Throttles use `Sum`."
          },
          threshold: {
            type: "number",
            minimum: 0,
            description: "Fails when the value is above this (or above the old version's value plus this, with `comparedToBaseline`)."
          },
          comparedToBaseline: {
            type: [
              "boolean",
              "null"
            ]
          },
          periodSeconds: {
            type: [
              "integer",
              "null"
            ],
            minimum: 60,
            maximum: 86400,
            description: "Window read at each check (default 60)."
          },
          minInvocations: {
            type: [
              "integer",
              "null"
            ],
            minimum: 0,
            maximum: 1e9,
            description: "A rate is judged only once the new version has had this many invocations in the window (default 1)."
          }
        }
      },
      LambdaInvokeCheck: {
        type: "object",
        description: "Invokes the new version `invocations` times with `payload` at every check. It passes when at least `successRate`\nof the answers have no `FunctionError` and match the assertion (`jsonPath` equal to `equals`, or `regex` on the raw\nresponse). A superset of Spinnaker's Blue/Green exact match.\n",
        properties: {
          invocations: {
            type: [
              "integer",
              "null"
            ],
            minimum: 1,
            maximum: 100,
            description: "Invocations per check (default 1)."
          },
          payload: {
            type: [
              "string",
              "null"
            ],
            maxLength: 262144,
            description: "JSON payload (default `{}`)."
          },
          successRate: {
            type: [
              "number",
              "null"
            ],
            minimum: 0,
            maximum: 1,
            description: "Share of invocations that must pass (default 1)."
          },
          jsonPath: {
            type: [
              "string",
              "null"
            ],
            maxLength: 512,
            description: "A JSONPath into the response, e.g. `$.statusCode` or `$.body.items[0].id`."
          },
          equals: {
            description: "The value `jsonPath` must have (compared as JSON). Without it, `jsonPath` must merely exist."
          },
          regex: {
            type: [
              "string",
              "null"
            ],
            maxLength: 1024,
            description: "A regular expression the raw response must match."
          }
        }
      },
      LambdaRolloutGates: {
        type: "object",
        description: "What is checked during every bake interval (and once more before each weight change).",
        properties: {
          intervalSeconds: {
            type: [
              "integer",
              "null"
            ],
            minimum: 1,
            maximum: 3600,
            description: "Seconds between checks during a bake (default 60)."
          },
          alarms: {
            type: [
              "array",
              "null"
            ],
            maxItems: 50,
            items: {
              type: "string",
              minLength: 1,
              maxLength: 255
            },
            description: "CloudWatch alarm names; any of them in ALARM rolls back."
          },
          metrics: {
            type: [
              "array",
              "null"
            ],
            maxItems: 20,
            items: {
              $ref: "#/components/schemas/LambdaMetricGate"
            }
          },
          invokeCheck: {
            oneOf: [
              {
                $ref: "#/components/schemas/LambdaInvokeCheck"
              },
              {
                type: "null"
              }
            ]
          }
        }
      },
      LambdaRolloutHooks: {
        type: "object",
        description: 'CodeDeploy-compatible lifecycle hooks. Each is a Lambda function invoked asynchronously with\n`{"DeploymentId": "<rollout id>", "LifecycleEventHookExecutionId": "<id>"}`; it must report back through\n`PutLifecycleEventHookExecutionStatus` (outrigger\'s `POST /codedeploy`) within `timeoutSeconds`.\n',
        properties: {
          beforeAllowTraffic: {
            type: [
              "string",
              "null"
            ],
            maxLength: 2048,
            description: "Function name or ARN run before the first traffic shift (SAM's `PreTraffic`)."
          },
          afterAllowTraffic: {
            type: [
              "string",
              "null"
            ],
            maxLength: 2048,
            description: "Function name or ARN run after 100 % (SAM's `PostTraffic`)."
          },
          timeoutSeconds: {
            type: [
              "integer",
              "null"
            ],
            minimum: 1,
            maximum: 3600,
            description: "How long a hook may take to report (default 3600, CodeDeploy's limit)."
          }
        }
      },
      DeployLambdaProgressiveDescription: {
        allOf: [
          {
            $ref: "#/components/schemas/LambdaDescriptionBase"
          },
          {
            type: "object",
            required: [
              "functionName",
              "aliasName"
            ],
            properties: {
              functionName: {
                type: "string",
                minLength: 1,
                maxLength: 140
              },
              aliasName: {
                type: "string",
                minLength: 1,
                maxLength: 128
              },
              targetVersion: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 32,
                description: "A published version number to shift to. Absent or `$LATEST`: publish `$LATEST` if its code\n(`CodeSha256`) or configuration changed since the newest version, else use the newest version.\n"
              },
              versionDescription: {
                type: [
                  "string",
                  "null"
                ],
                maxLength: 256,
                description: "Description of the version outrigger publishes."
              },
              deploymentType: {
                type: [
                  "string",
                  "null"
                ],
                enum: [
                  "Canary10Percent5Minutes",
                  "Canary10Percent10Minutes",
                  "Canary10Percent15Minutes",
                  "Canary10Percent30Minutes",
                  "Linear10PercentEvery1Minute",
                  "Linear10PercentEvery2Minutes",
                  "Linear10PercentEvery3Minutes",
                  "Linear10PercentEvery10Minutes",
                  "AllAtOnce",
                  null
                ],
                description: "A CodeDeploy predefined configuration (SAM's `DeploymentPreference.Type`). Give this or `steps`."
              },
              steps: {
                type: [
                  "array",
                  "null"
                ],
                minItems: 1,
                maxItems: 100,
                items: {
                  $ref: "#/components/schemas/LambdaShiftStep"
                },
                description: "A custom step list; weights rise and the last is 100."
              },
              gates: {
                oneOf: [
                  {
                    $ref: "#/components/schemas/LambdaRolloutGates"
                  },
                  {
                    type: "null"
                  }
                ]
              },
              hooks: {
                oneOf: [
                  {
                    $ref: "#/components/schemas/LambdaRolloutHooks"
                  },
                  {
                    type: "null"
                  }
                ]
              },
              provisionedConcurrentExecutions: {
                type: [
                  "integer",
                  "null"
                ],
                minimum: 1,
                maximum: 1e5,
                description: "Provisioned concurrency put on the new version (and waited READY) before the first shift. Default: the\nalias's own provisioned concurrency, if it has any.\n"
              }
            }
          }
        ],
        examples: [
          {
            credentials: "prod",
            region: "us-east-1",
            functionName: "shop-orders",
            aliasName: "live",
            deploymentType: "Canary10Percent5Minutes",
            gates: {
              intervalSeconds: 60,
              alarms: [
                "shop-orders-5xx"
              ],
              metrics: [
                {
                  metric: "Errors",
                  mode: "rate",
                  threshold: 0.01
                },
                {
                  metric: "Duration",
                  mode: "absolute",
                  statistic: "p99",
                  threshold: 800
                }
              ],
              invokeCheck: {
                invocations: 5,
                payload: '{"ping":true}',
                jsonPath: "$.statusCode",
                equals: 200
              }
            },
            hooks: {
              beforeAllowTraffic: "shop-orders-pretraffic",
              afterAllowTraffic: "shop-orders-posttraffic"
            }
          },
          {
            credentials: "prod",
            region: "us-east-1",
            functionName: "shop-orders",
            aliasName: "live",
            targetVersion: "7",
            steps: [
              {
                weight: 5,
                bakeSeconds: 300
              },
              {
                weight: 25,
                bakeSeconds: 600
              },
              {
                weight: 100
              }
            ]
          }
        ]
      },
      LambdaRolloutEvent: {
        type: "object",
        description: "One stored step, gate reading or decision of a rollout.",
        required: [
          "at",
          "kind",
          "message"
        ],
        properties: {
          at: {
            type: "integer",
            description: "Milliseconds since the epoch."
          },
          kind: {
            type: "string",
            enum: [
              "started",
              "version",
              "provisioned",
              "hook",
              "weight",
              "gate",
              "control",
              "decision",
              "finished",
              "resumed"
            ]
          },
          message: {
            type: "string"
          },
          step: {
            type: "integer"
          },
          weight: {
            type: "number"
          },
          gate: {
            type: "string",
            description: "`alarm:<name>`, `metric:<Metric>`, `invoke`, `hook:<event>` or `manual`."
          },
          value: {
            type: [
              "number",
              "string",
              "null"
            ]
          },
          threshold: {
            type: [
              "number",
              "string",
              "null"
            ]
          },
          passed: {
            type: "boolean"
          }
        }
      },
      LambdaRollout: {
        type: "object",
        description: "A progressive rollout of one alias. Its id is the id of the task that runs it.",
        required: [
          "id",
          "account",
          "region",
          "functionName",
          "aliasName",
          "state",
          "phase",
          "weight",
          "stepIndex",
          "steps",
          "createdAt",
          "updatedAt",
          "events"
        ],
        properties: {
          id: {
            type: "string"
          },
          account: {
            type: "string"
          },
          region: {
            type: "string"
          },
          functionName: {
            type: "string"
          },
          aliasName: {
            type: "string"
          },
          oldVersion: {
            type: "string"
          },
          newVersion: {
            type: "string"
          },
          deploymentType: {
            type: "string"
          },
          state: {
            type: "string",
            enum: [
              "RUNNING",
              "PAUSED",
              "SUCCEEDED",
              "ROLLED_BACK",
              "FAILED"
            ]
          },
          phase: {
            type: "string",
            enum: [
              "PREPARE",
              "PROVISION",
              "BEFORE_ALLOW_TRAFFIC",
              "SHIFT",
              "AFTER_ALLOW_TRAFFIC",
              "ROLLBACK",
              "DONE"
            ]
          },
          weight: {
            type: "number",
            description: "Percent of the alias's traffic on the new version now."
          },
          stepIndex: {
            type: "integer",
            description: "The step applied last (-1 before the first)."
          },
          steps: {
            type: "array",
            items: {
              $ref: "#/components/schemas/LambdaShiftStep"
            }
          },
          nextShiftAt: {
            type: "integer",
            description: "When the next weight change is due (ms since the epoch), while a bake runs."
          },
          rollbackReason: {
            type: "string",
            description: "The gate that fired, its value and threshold (or the manual request)."
          },
          createdAt: {
            type: "integer"
          },
          updatedAt: {
            type: "integer"
          },
          events: {
            type: "array",
            items: {
              $ref: "#/components/schemas/LambdaRolloutEvent"
            }
          }
        },
        examples: [
          {
            id: "0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11",
            account: "prod",
            region: "us-east-1",
            functionName: "shop-orders",
            aliasName: "live",
            oldVersion: "6",
            newVersion: "7",
            deploymentType: "Canary10Percent5Minutes",
            state: "RUNNING",
            phase: "SHIFT",
            weight: 10,
            stepIndex: 0,
            steps: [
              {
                weight: 10,
                bakeSeconds: 300
              },
              {
                weight: 100,
                bakeSeconds: 0
              }
            ],
            nextShiftAt: 17000003e5,
            createdAt: 17e11,
            updatedAt: 170000006e4,
            events: [
              {
                at: 17e11,
                kind: "weight",
                message: "live: 10% on version 7",
                step: 0,
                weight: 10
              },
              {
                at: 170000006e4,
                kind: "gate",
                message: "alarm shop-orders-5xx is OK",
                gate: "alarm:shop-orders-5xx",
                value: "OK",
                threshold: "ALARM",
                passed: true
              }
            ]
          }
        ]
      },
      LambdaRolloutControl: {
        type: "object",
        description: "A manual control request on a running rollout.",
        properties: {
          reason: {
            type: [
              "string",
              "null"
            ],
            maxLength: 1024,
            description: "Recorded in the rollout's events (and, for a rollback, in the task's failure)."
          }
        }
      },
      LifecycleEventHookExecutionStatus: {
        type: "object",
        description: "CodeDeploy's `PutLifecycleEventHookExecutionStatus` input, as a hook function's AWS SDK sends it (JSON 1.1) once\n`AWS_ENDPOINT_URL_CODEDEPLOY` points at outrigger's `/codedeploy`.\n",
        required: [
          "deploymentId",
          "lifecycleEventHookExecutionId",
          "status"
        ],
        properties: {
          deploymentId: {
            type: "string",
            minLength: 1,
            maxLength: 128
          },
          lifecycleEventHookExecutionId: {
            type: "string",
            minLength: 1,
            maxLength: 1024
          },
          status: {
            type: "string",
            enum: [
              "Succeeded",
              "Failed"
            ]
          }
        },
        examples: [
          {
            deploymentId: "0b8e3d0a-7d0c-4b71-9c4e-1f0b6c8e4a11",
            lifecycleEventHookExecutionId: "5c1e7bd2f0a94c55b3a1ab6b4a2f0e7d9c0b1a2f3e4d5c6b",
            status: "Succeeded"
          }
        ]
      },
      LifecycleEventHookExecutionStatusResult: {
        type: "object",
        required: [
          "lifecycleEventHookExecutionId"
        ],
        properties: {
          lifecycleEventHookExecutionId: {
            type: "string"
          }
        }
      },
      BakeRequest: {
        type: "object",
        description: "Rosco's BakeRequest, literal snake_case JSON names. Orca sends its whole stage context, so unknown fields are\naccepted and ignored. `request_id` is generated by the server.\n",
        required: [],
        properties: {
          request_id: {
            type: "string",
            maxLength: 128
          },
          user: {
            type: "string",
            maxLength: 256
          },
          package: {
            type: "string",
            maxLength: 4096,
            description: "Space-separated packages to install."
          },
          package_artifacts: {
            type: "array",
            maxItems: 100,
            items: {
              $ref: "#/components/schemas/PackageArtifact"
            }
          },
          build_host: {
            type: "string",
            maxLength: 1024
          },
          job: {
            type: "string",
            maxLength: 1024
          },
          build_number: {
            type: "string",
            maxLength: 256
          },
          commit_hash: {
            type: "string",
            maxLength: 256
          },
          build_info_url: {
            type: "string",
            maxLength: 2048
          },
          cloud_provider_type: {
            type: "string",
            enum: [
              "alicloud",
              "aws",
              "azure",
              "docker",
              "gce",
              "huaweicloud",
              "oracle",
              "tencentcloud",
              "local"
            ]
          },
          base_os: {
            type: "string",
            maxLength: 256
          },
          base_label: {
            type: "string",
            maxLength: 64
          },
          base_name: {
            type: "string",
            maxLength: 256
          },
          base_ami: {
            type: "string",
            maxLength: 256,
            description: "An image id, an image-name pattern (newest match) or the id of an earlier outrigger bake."
          },
          vm_type: {
            type: "string",
            enum: [
              "pv",
              "hvm"
            ]
          },
          store_type: {
            type: "string",
            maxLength: 32
          },
          enhanced_networking: {
            type: "boolean"
          },
          ami_name: {
            type: "string",
            maxLength: 128
          },
          ami_suffix: {
            type: "string",
            maxLength: 128
          },
          upgrade: {
            type: "boolean"
          },
          instance_type: {
            type: "string",
            maxLength: 64
          },
          organization: {
            type: "string",
            maxLength: 256
          },
          template_file_name: {
            type: "string",
            maxLength: 256
          },
          var_file_name: {
            type: "string",
            maxLength: 256
          },
          extended_attributes: {
            type: "object",
            maxProperties: 200,
            additionalProperties: {
              type: [
                "string",
                "number",
                "boolean"
              ],
              maxLength: 4096
            }
          },
          account_name: {
            type: "string",
            maxLength: 128
          },
          spinnaker_execution_id: {
            type: "string",
            maxLength: 512
          },
          os_type: {
            type: "string",
            maxLength: 32
          },
          package_type: {
            type: "string",
            maxLength: 32
          }
        },
        additionalProperties: true,
        examples: [
          {
            package: "nginx",
            base_os: "ubuntu",
            cloud_provider_type: "aws",
            base_label: "release",
            vm_type: "hvm",
            user: "ops@example.com",
            extended_attributes: {
              copy_to: "us-west-2"
            }
          }
        ]
      },
      PackageArtifact: {
        type: "object",
        description: "A kork Artifact naming a package to install (its `reference` joins the package list).",
        required: [
          "type"
        ],
        properties: {
          type: {
            type: "string",
            maxLength: 256
          },
          name: {
            type: "string",
            maxLength: 1024
          },
          version: {
            type: "string",
            maxLength: 256
          },
          location: {
            type: "string",
            maxLength: 256
          },
          reference: {
            type: "string",
            maxLength: 2048
          },
          artifactAccount: {
            type: "string",
            maxLength: 256
          },
          provenance: {
            type: "string",
            maxLength: 2048
          },
          uuid: {
            type: "string",
            maxLength: 128
          },
          customKind: {
            type: "boolean"
          },
          metadata: {
            type: "object",
            additionalProperties: true
          }
        }
      },
      BakeStatus: {
        type: "object",
        description: "Rosco's BakeStatus. `result` is absent while the bake runs. A failed Packer run is `CANCELED` + `FAILURE`.",
        required: [
          "id",
          "state",
          "resource_id"
        ],
        properties: {
          id: {
            type: "string"
          },
          state: {
            type: "string",
            enum: [
              "RUNNING",
              "COMPLETED",
              "CANCELED"
            ]
          },
          result: {
            type: "string",
            enum: [
              "SUCCESS",
              "FAILURE"
            ]
          },
          resource_id: {
            type: "string"
          },
          queue_position: {
            type: "integer",
            description: "While the bake waits for a Packer slot, its place in the queue (1 = next)."
          },
          message: {
            type: "string",
            description: "Why a bake failed or was canceled."
          },
          created_timestamp: {
            type: "integer"
          },
          updated_timestamp: {
            type: "integer"
          }
        },
        examples: [
          {
            id: "6d1f2a52-7d3c-4a7e-9a8c-2bb0c3f5e001",
            state: "COMPLETED",
            result: "SUCCESS",
            resource_id: "6d1f2a52-7d3c-4a7e-9a8c-2bb0c3f5e001"
          }
        ]
      },
      Bake: {
        type: "object",
        description: "Rosco's Bake (snake_case); `artifact` is a kork Artifact (camelCase) for the requested region.",
        required: [
          "id"
        ],
        properties: {
          id: {
            type: "string"
          },
          ami: {
            type: "string"
          },
          image_name: {
            type: "string"
          },
          base_ami: {
            type: "string"
          },
          regions: {
            type: "array",
            items: {
              type: "string"
            }
          },
          artifact: {
            $ref: "#/components/schemas/Artifact"
          },
          artifacts: {
            type: "array",
            items: {
              $ref: "#/components/schemas/Artifact"
            }
          }
        },
        examples: [
          {
            id: "6d1f2a52-7d3c-4a7e-9a8c-2bb0c3f5e001",
            ami: "ami-0123456789abcdef0",
            image_name: "nginx-all-20260101000000-ubuntu",
            regions: [
              "us-east-1"
            ],
            artifact: {
              type: "aws/image",
              name: "nginx-all-20260101000000-ubuntu",
              location: "us-east-1",
              reference: "ami-0123456789abcdef0",
              uuid: "6d1f2a52-7d3c-4a7e-9a8c-2bb0c3f5e001"
            }
          }
        ]
      },
      BakeLogs: {
        type: "object",
        description: "Rosco's `{logsContent}`; with `offset`/`limit` a page of timestamped lines, with the offset of the next page.",
        required: [
          "logsContent"
        ],
        properties: {
          logsContent: {
            type: "string"
          },
          offset: {
            type: "integer"
          },
          nextOffset: {
            type: "integer"
          },
          complete: {
            type: "boolean",
            description: "The bake has ended; no more lines will come."
          }
        }
      },
      BaseImage: {
        type: "object",
        required: [
          "id"
        ],
        properties: {
          id: {
            type: "string"
          },
          shortDescription: {
            type: "string"
          },
          detailedDescription: {
            type: "string"
          },
          packageType: {
            type: "string"
          },
          templateFile: {
            type: "string"
          },
          osType: {
            type: "string"
          },
          customRepository: {
            type: "string"
          }
        }
      },
      BakeOptions: {
        type: "object",
        required: [
          "cloudProvider",
          "baseImages"
        ],
        properties: {
          cloudProvider: {
            type: "string"
          },
          baseImages: {
            type: "array",
            items: {
              $ref: "#/components/schemas/BaseImage"
            }
          }
        }
      },
      DeleteRequests: {
        type: "object",
        required: [
          "pipelineExecutionIds"
        ],
        properties: {
          pipelineExecutionIds: {
            type: "array",
            maxItems: 1e3,
            items: {
              type: "string",
              maxLength: 256
            }
          }
        }
      },
      InstanceStatus: {
        type: "object",
        required: [
          "status",
          "bakes"
        ],
        properties: {
          status: {
            type: "string",
            enum: [
              "RUNNING",
              "IDLE"
            ]
          },
          bakes: {
            type: "array",
            items: {
              $ref: "#/components/schemas/BakeStatus"
            }
          }
        }
      },
      AllInstancesStatus: {
        type: "object",
        required: [
          "instance",
          "instances"
        ],
        properties: {
          instance: {
            type: "string"
          },
          instances: {
            type: "object",
            additionalProperties: {
              $ref: "#/components/schemas/InstanceStatus"
            }
          }
        }
      },
      ManifestBakeRequest: {
        type: "object",
        required: [],
        additionalProperties: true
      },
      ImageRetentionRequest: {
        type: "object",
        required: [
          "application",
          "keep"
        ],
        properties: {
          application: {
            type: "string",
            minLength: 1,
            maxLength: 256
          },
          keep: {
            type: "integer",
            minimum: 0,
            maximum: 1e3
          },
          account_name: {
            type: "string",
            maxLength: 128
          },
          dry_run: {
            type: "boolean"
          }
        }
      },
      ImageRetentionResult: {
        type: "object",
        required: [
          "application",
          "region",
          "dryRun",
          "kept",
          "removed",
          "skipped"
        ],
        properties: {
          application: {
            type: "string"
          },
          region: {
            type: "string"
          },
          dryRun: {
            type: "boolean"
          },
          kept: {
            type: "array",
            items: {
              type: "string"
            }
          },
          removed: {
            type: "array",
            items: {
              type: "string"
            }
          },
          skipped: {
            type: "array",
            items: {
              type: "object",
              required: [
                "imageId",
                "reason"
              ],
              properties: {
                imageId: {
                  type: "string"
                },
                reason: {
                  type: "string"
                }
              }
            }
          }
        }
      }
    },
    responses: {
      BadRequest: {
        description: "The request is malformed; `errors[]` names every bad field by JSON path.",
        content: {
          "application/json": {
            schema: {
              $ref: "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      NotFound: {
        description: "No such resource.",
        content: {
          "application/json": {
            schema: {
              $ref: "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      TooManyRequests: {
        description: "The server is at a limit (for bakes, `bake.maxQueuedBakes`); retry after the `Retry-After` header's seconds.",
        headers: {
          "Retry-After": {
            description: "Seconds to wait before retrying.",
            schema: {
              type: "integer"
            }
          }
        },
        content: {
          "application/json": {
            schema: {
              $ref: "#/components/schemas/ErrorBody"
            }
          }
        }
      },
      Conflict: {
        description: "The resource is in a state that forbids the request; `message` names what holds it.",
        content: {
          "application/json": {
            schema: {
              $ref: "#/components/schemas/ErrorBody"
            }
          }
        }
      }
    },
    parameters: {
      TaskIdParam: {
        name: "id",
        in: "path",
        required: true,
        description: "Task id, as returned in `TaskRef.id`.",
        schema: {
          type: "string",
          minLength: 1,
          maxLength: 128
        }
      },
      RolloutIdParam: {
        name: "id",
        in: "path",
        required: true,
        description: "The rollout's id (the id of the task that runs it).",
        schema: {
          type: "string",
          minLength: 1,
          maxLength: 128
        }
      },
      CloudProviderParam: {
        name: "cloudProvider",
        in: "path",
        required: true,
        schema: {
          type: "string",
          minLength: 1,
          maxLength: 64
        }
      },
      RegionParam: {
        name: "region",
        in: "path",
        required: true,
        description: "Rosco's `{region}` (e.g. `us-east-1`; `global` where a provider has none).",
        schema: {
          type: "string",
          minLength: 1,
          maxLength: 64
        }
      },
      StatusIdParam: {
        name: "statusId",
        in: "path",
        required: true,
        description: "The bake status id (equal to the bake id and the request id).",
        schema: {
          type: "string",
          minLength: 1,
          maxLength: 128
        }
      }
    },
    securitySchemes: {
      spinnakerUser: {
        type: "apiKey",
        in: "header",
        name: "X-SPINNAKER-USER",
        description: "The Spinnaker user, as Gate and Orca forward it. `X-SPINNAKER-ACCOUNTS` (comma list) names the accounts that\nuser may use; with Fiat configured, outrigger asks Fiat instead. Without a user header a request is anonymous.\n"
      }
    }
  }
};

// packages/contract/src/operationDef.ts
function defineOperation(def) {
  return def;
}

// packages/contract/src/operations/bake.ts
import { z as z3 } from "zod";

// packages/contract/src/schemas/bake.ts
import { z as z2 } from "zod";

// packages/contract/src/schemas/tasks.ts
import { z } from "zod";
var JsonObject = z.record(z.string(), z.unknown());
var TaskStatusSchema = z.object({
  phase: z.string(),
  status: z.string(),
  complete: z.boolean(),
  completed: z.boolean(),
  failed: z.boolean(),
  retryable: z.boolean()
});
var TaskHistoryEntrySchema = z.object({
  phase: z.string(),
  status: z.string(),
  timestamp: z.number().int().optional()
});
var TaskSchema = z.object({
  id: z.string(),
  ownerId: z.string().optional(),
  requestId: z.string().optional(),
  operation: z.string().optional(),
  account: z.string().optional(),
  startTimeMs: z.number().int(),
  endTimeMs: z.number().int().optional(),
  retryable: z.boolean().optional(),
  status: TaskStatusSchema,
  history: z.array(TaskHistoryEntrySchema),
  resultObjects: z.array(JsonObject),
  outputs: z.array(JsonObject).optional()
});
var TaskRefSchema = z.object({
  id: z.string(),
  resourceUri: z.string()
});
var ArtifactSchema = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  version: z.string().optional(),
  location: z.string().optional(),
  reference: z.string().optional(),
  artifactAccount: z.string().optional(),
  provenance: z.string().optional(),
  uuid: z.string().optional(),
  customKind: z.boolean().optional(),
  metadata: JsonObject.optional()
});
var WebhookTaskStatusSchema = z.object({
  id: z.string(),
  status: z.enum(["RUNNING", "SUCCEEDED", "TERMINAL", "CANCELED"]),
  message: z.string(),
  operation: z.string().optional(),
  resultObjects: z.array(JsonObject).optional(),
  artifacts: z.array(ArtifactSchema).optional()
});
var TaskIdParamsSchema = z.object({ id: z.string().min(1).max(128) });
var ListTasksQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1e3).default(100)
});

// packages/contract/src/schemas/bake.ts
var str = (max) => z2.string().max(max);
var PackageArtifactSchema = z2.object({
  type: str(256),
  name: str(1024).optional(),
  version: str(256).optional(),
  location: str(256).optional(),
  reference: str(2048).optional(),
  artifactAccount: str(256).optional(),
  provenance: str(2048).optional(),
  uuid: str(128).optional(),
  customKind: z2.boolean().optional(),
  metadata: z2.record(z2.string(), z2.unknown()).optional()
});
var BakeRequestSchema = z2.object({
  request_id: str(128).optional(),
  user: str(256).optional(),
  package: str(4096).optional(),
  package_artifacts: z2.array(PackageArtifactSchema).max(100).optional(),
  build_host: str(1024).optional(),
  job: str(1024).optional(),
  build_number: str(256).optional(),
  commit_hash: str(256).optional(),
  build_info_url: str(2048).optional(),
  cloud_provider_type: z2.enum(["alicloud", "aws", "azure", "docker", "gce", "huaweicloud", "oracle", "tencentcloud", "local"]).optional(),
  base_os: str(256).optional(),
  base_label: str(64).optional(),
  base_name: str(256).optional(),
  base_ami: str(256).optional(),
  vm_type: z2.enum(["pv", "hvm"]).optional(),
  store_type: str(32).optional(),
  enhanced_networking: z2.boolean().optional(),
  ami_name: str(128).optional(),
  ami_suffix: str(128).optional(),
  upgrade: z2.boolean().optional(),
  instance_type: str(64).optional(),
  organization: str(256).optional(),
  template_file_name: str(256).optional(),
  var_file_name: str(256).optional(),
  extended_attributes: z2.record(z2.string(), z2.union([str(4096), z2.number(), z2.boolean()])).refine((m) => Object.keys(m).length <= 200, { message: "at most 200 extended attributes" }).optional(),
  account_name: str(128).optional(),
  spinnaker_execution_id: str(512).optional(),
  os_type: str(32).optional(),
  package_type: str(32).optional()
});
var BakeStatusSchema = z2.object({
  id: z2.string(),
  state: z2.enum(["RUNNING", "COMPLETED", "CANCELED"]),
  result: z2.enum(["SUCCESS", "FAILURE"]).optional(),
  resource_id: z2.string(),
  queue_position: z2.number().int().optional(),
  message: z2.string().optional(),
  created_timestamp: z2.number().int().optional(),
  updated_timestamp: z2.number().int().optional()
});
var BakeSchema = z2.object({
  id: z2.string(),
  ami: z2.string().optional(),
  image_name: z2.string().optional(),
  base_ami: z2.string().optional(),
  regions: z2.array(z2.string()).optional(),
  artifact: ArtifactSchema.optional(),
  artifacts: z2.array(ArtifactSchema).optional()
});
var BakeLogsSchema = z2.object({
  logsContent: z2.string(),
  offset: z2.number().int().optional(),
  nextOffset: z2.number().int().optional(),
  complete: z2.boolean().optional()
});
var BaseImageSchema = z2.object({
  id: z2.string(),
  shortDescription: z2.string().optional(),
  detailedDescription: z2.string().optional(),
  packageType: z2.string().optional(),
  templateFile: z2.string().optional(),
  osType: z2.string().optional(),
  customRepository: z2.string().optional()
});
var BakeOptionsSchema = z2.object({
  cloudProvider: z2.string(),
  baseImages: z2.array(BaseImageSchema)
});
var DeleteRequestsSchema = z2.object({
  pipelineExecutionIds: z2.array(str(256)).max(1e3)
});
var InstanceStatusSchema = z2.object({
  status: z2.enum(["RUNNING", "IDLE"]),
  bakes: z2.array(BakeStatusSchema)
});
var AllInstancesStatusSchema = z2.object({
  instance: z2.string(),
  instances: z2.record(z2.string(), InstanceStatusSchema)
});
var ManifestBakeRequestSchema = z2.record(z2.string(), z2.unknown());
var ImageRetentionRequestSchema = z2.object({
  application: z2.string().min(1).max(256),
  keep: z2.number().int().min(0).max(1e3),
  account_name: str(128).optional(),
  dry_run: z2.boolean().optional()
});
var ImageRetentionResultSchema = z2.object({
  application: z2.string(),
  region: z2.string(),
  dryRun: z2.boolean(),
  kept: z2.array(z2.string()),
  removed: z2.array(z2.string()),
  skipped: z2.array(z2.object({ imageId: z2.string(), reason: z2.string() }))
});
var RegionParamsSchema = z2.object({ region: z2.string().min(1).max(64) });
var BakeStatusParamsSchema = RegionParamsSchema.extend({ statusId: z2.string().min(1).max(128) });
var BakeIdParamsSchema = RegionParamsSchema.extend({ bakeId: z2.string().min(1).max(128) });
var ImageLogsParamsSchema = RegionParamsSchema.extend({ imageId: z2.string().min(1).max(256) });
var CloudProviderParamsSchema = z2.object({ cloudProvider: z2.string().min(1).max(64) });
var BaseImageParamsSchema = CloudProviderParamsSchema.extend({ imageId: z2.string().min(1).max(256) });
var ManifestTypeParamsSchema = z2.object({ type: z2.string().min(1).max(32) });
var CreateBakeQuerySchema = z2.object({ rebake: z2.string().max(8).optional() });
var BakeLogsQuerySchema = z2.object({
  offset: z2.coerce.number().int().min(0).optional(),
  limit: z2.coerce.number().int().min(1).max(1e4).optional(),
  follow: z2.enum(["true", "false"]).optional()
});

// packages/contract/src/operations/bake.ts
var bakeOperations = {
  listBakeOptions: defineOperation({ method: "get", path: "/bakeOptions", response: z3.array(BakeOptionsSchema) }),
  getBakeOptions: defineOperation({ method: "get", path: "/bakeOptions/{cloudProvider}", params: CloudProviderParamsSchema, response: BakeOptionsSchema }),
  getBaseImage: defineOperation({
    method: "get",
    path: "/bakeOptions/{cloudProvider}/baseImages/{imageId}",
    params: BaseImageParamsSchema,
    response: BaseImageSchema
  }),
  createBake: defineOperation({
    method: "post",
    path: "/api/v1/{region}/bake",
    params: RegionParamsSchema,
    query: CreateBakeQuerySchema,
    body: BakeRequestSchema,
    response: BakeStatusSchema
  }),
  deleteBake: defineOperation({ method: "delete", path: "/api/v1/{region}/bake", params: RegionParamsSchema, body: BakeRequestSchema }),
  getBakeStatus: defineOperation({ method: "get", path: "/api/v1/{region}/status/{statusId}", params: BakeStatusParamsSchema, response: BakeStatusSchema }),
  getBake: defineOperation({ method: "get", path: "/api/v1/{region}/bake/{bakeId}", params: BakeIdParamsSchema, response: BakeSchema }),
  getBakeLogs: defineOperation({
    method: "get",
    path: "/api/v1/{region}/logs/{statusId}",
    params: BakeStatusParamsSchema,
    query: BakeLogsQuerySchema,
    response: BakeLogsSchema
  }),
  getBakeLogsByImage: defineOperation({ method: "get", path: "/api/v1/{region}/logs/image/{imageId}", params: ImageLogsParamsSchema, response: BakeLogsSchema }),
  cancelBake: defineOperation({ method: "get", path: "/api/v1/{region}/cancel/{statusId}", params: BakeStatusParamsSchema }),
  deleteBakesByExecution: defineOperation({ method: "post", path: "/api/v1/bakes/delete-requests", body: DeleteRequestsSchema }),
  applyImageRetention: defineOperation({
    method: "post",
    path: "/api/v1/{region}/images/retention",
    params: RegionParamsSchema,
    body: ImageRetentionRequestSchema,
    response: ImageRetentionResultSchema
  }),
  bakeManifest: defineOperation({ method: "post", path: "/api/v2/manifest/bake/{type}", params: ManifestTypeParamsSchema, body: ManifestBakeRequestSchema }),
  getBakeryInstanceStatus: defineOperation({ method: "get", path: "/status/instance", response: InstanceStatusSchema }),
  getBakeryAllStatus: defineOperation({ method: "get", path: "/status/all", response: AllInstancesStatusSchema })
};

// packages/contract/src/operations/core.ts
import { z as z5 } from "zod";

// packages/contract/src/schemas/health.ts
import { z as z4 } from "zod";
var UpDown = z4.enum(["UP", "DOWN"]);
var HealthSchema = z4.object({
  status: UpDown,
  components: z4.record(
    z4.string(),
    z4.object({
      status: UpDown,
      details: z4.record(z4.string(), z4.unknown()).optional()
    })
  ).optional()
});

// packages/contract/src/operations/core.ts
var coreOperations = {
  getHealth: defineOperation({ method: "get", path: "/health", response: HealthSchema }),
  listTasks: defineOperation({ method: "get", path: "/task", query: ListTasksQuerySchema, response: z5.array(TaskSchema) }),
  getTask: defineOperation({ method: "get", path: "/task/{id}", params: TaskIdParamsSchema, response: TaskSchema }),
  resumeTask: defineOperation({ method: "post", path: "/task/{id}:resume", params: TaskIdParamsSchema, response: TaskRefSchema }),
  getWebhookTaskStatus: defineOperation({
    method: "get",
    path: "/tasks/{id}",
    params: TaskIdParamsSchema,
    response: WebhookTaskStatusSchema
  })
};

// packages/contract/src/operations/ecs.ts
import { z as z7 } from "zod";

// packages/contract/src/schemas/ecs.ts
import { z as z6 } from "zod";
var KEEP_NULLS = /* @__PURE__ */ new Set(["overlays", "taskDefinition", "spelProcessedTaskDefinitionArtifact", "trigger", "stages", "artifact", "resolvedTaskDefinitionArtifact", "artifacts"]);
function dropNulls(value) {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(dropNulls);
  if (typeof value !== "object" || value === null) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = KEEP_NULLS.has(k) ? v : dropNulls(v);
  }
  return out;
}
var str2 = (max) => z6.string().max(max);
var JsonObject2 = z6.record(z6.string(), z6.unknown());
var EcsImageDescriptionSchema = z6.object({
  imageId: str2(1024).optional(),
  message: str2(1024).optional(),
  fromTrigger: z6.boolean().optional(),
  fromContext: z6.boolean().optional(),
  stageId: str2(256).optional(),
  imageLabelOrSha: str2(1024).optional(),
  account: str2(256).optional(),
  registry: str2(512).optional(),
  repository: str2(512).optional(),
  tag: str2(256).optional(),
  organization: str2(256).optional()
});
var EcsContainerMappingSchema = z6.object({
  containerName: z6.string().min(1).max(255),
  imageDescription: EcsImageDescriptionSchema
});
var EcsImageArtifactRuleSchema = z6.object({
  containerName: z6.string().min(1).max(255),
  artifactName: z6.string().min(1).max(1024)
});
var EcsContainerOverrideSchema = z6.object({
  environment: z6.record(z6.string(), str2(32768)).optional(),
  secrets: z6.record(z6.string(), str2(2048)).optional(),
  dockerLabels: z6.record(z6.string(), str2(4096)).optional(),
  removeEnvironment: z6.array(str2(255)).optional()
});
var EcsStageOverridesSchema = z6.object({
  containers: z6.record(z6.string(), EcsContainerOverrideSchema).optional(),
  taskRoleArn: str2(2048).optional(),
  executionRoleArn: str2(2048).optional(),
  overlays: z6.array(JsonObject2).max(50).optional()
});
var EcsMonikerSchema = z6.object({
  app: str2(255).optional(),
  stack: str2(255).optional(),
  detail: str2(255).optional(),
  cluster: str2(255).optional(),
  sequence: z6.number().int().min(0).max(999).optional()
});
var EcsCapacitySchema = z6.object({
  min: z6.number().int().min(0),
  max: z6.number().int().min(0),
  desired: z6.number().int().min(0)
});
var EcsSourceSchema = z6.object({
  account: str2(256).optional(),
  region: str2(64).optional(),
  asgName: str2(255).optional(),
  useSourceCapacity: z6.boolean().optional()
});
var EcsCapacityProviderStrategyItemSchema = z6.object({
  capacityProvider: z6.string().min(1).max(255),
  base: z6.number().int().min(0).max(1e5).optional(),
  weight: z6.number().int().min(0).max(1e3).optional()
});
var EcsPlacementConstraintSchema = z6.object({ type: str2(64), expression: str2(2e3).optional() });
var EcsPlacementStrategySchema = z6.object({ type: str2(64), field: str2(255).optional() });
var EcsTargetGroupMappingSchema = z6.object({
  containerName: str2(255),
  containerPort: z6.number().int().min(0).max(65535).optional(),
  targetGroup: str2(2048)
});
var EcsServiceDiscoveryAssociationSchema = z6.object({
  registry: z6.object({ arn: str2(2048).optional(), name: str2(255).optional(), id: str2(255).optional() }),
  containerPort: z6.number().int().min(0).max(65535).optional(),
  containerName: str2(255).optional()
});
var EcsScalingPolicySchema = z6.object({
  name: str2(255).optional(),
  predefinedMetricType: z6.enum(["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"]).optional(),
  targetValue: z6.number(),
  scaleInCooldown: z6.number().int().min(0).optional(),
  scaleOutCooldown: z6.number().int().min(0).optional(),
  disableScaleIn: z6.boolean().optional()
});
var EcsDeploymentFieldsSchema = z6.object({
  account: str2(256).optional(),
  credentials: str2(256).optional(),
  application: str2(255).optional(),
  stack: str2(255).optional(),
  freeFormDetails: str2(255).optional(),
  moniker: EcsMonikerSchema.optional(),
  region: str2(64).optional(),
  availabilityZones: z6.record(z6.string(), z6.array(str2(64))).optional(),
  ecsClusterName: str2(255).optional(),
  capacity: EcsCapacitySchema.optional(),
  source: EcsSourceSchema.optional(),
  copySourceScalingPoliciesAndActions: z6.boolean().optional(),
  launchType: z6.enum(["EC2", "FARGATE", "EXTERNAL", ""]).optional(),
  capacityProviderStrategy: z6.array(EcsCapacityProviderStrategyItemSchema).optional(),
  platformVersion: str2(64).optional(),
  networkMode: z6.enum(["bridge", "host", "awsvpc", "none", "default"]).optional(),
  subnetType: str2(255).optional(),
  subnetTypes: z6.array(str2(255)).optional(),
  subnetIds: z6.array(str2(64)).optional(),
  securityGroupNames: z6.array(str2(255)).optional(),
  securityGroupIds: z6.array(str2(64)).optional(),
  associatePublicIpAddress: z6.boolean().optional(),
  healthCheckGracePeriodSeconds: z6.number().int().min(0).max(2147483647).optional(),
  placementConstraints: z6.array(EcsPlacementConstraintSchema).optional(),
  placementStrategySequence: z6.array(EcsPlacementStrategySchema).optional(),
  serviceDiscoveryAssociations: z6.array(EcsServiceDiscoveryAssociationSchema).optional(),
  targetGroup: str2(2048).optional(),
  containerPort: z6.number().int().min(0).max(65535).optional(),
  loadBalancedContainer: str2(255).optional(),
  targetGroupMappings: z6.array(EcsTargetGroupMappingSchema).optional(),
  iamRole: str2(2048).optional(),
  tags: z6.record(z6.string(), str2(256)).optional(),
  useTaskDefinitionArtifact: z6.boolean().optional(),
  resolvedTaskDefinitionArtifact: ArtifactSchema.optional(),
  taskDefinitionArtifactAccount: str2(256).optional(),
  evaluateTaskDefinitionArtifactExpressions: z6.boolean().optional(),
  spelProcessedTaskDefinitionArtifact: JsonObject2.optional(),
  pinImageDigests: z6.boolean().optional(),
  fromTaskDefinition: str2(2048).optional(),
  containerToImageMap: z6.record(z6.string(), str2(1024)).optional(),
  containerMappings: z6.array(EcsContainerMappingSchema).optional(),
  artifacts: z6.array(ArtifactSchema).optional(),
  imageArtifactRules: z6.array(EcsImageArtifactRuleSchema).optional(),
  keepImage: z6.array(str2(255)).optional(),
  overrides: EcsStageOverridesSchema.optional(),
  trigger: JsonObject2.optional(),
  stages: z6.array(JsonObject2).optional(),
  enableExecuteCommand: z6.boolean().optional(),
  enableDeploymentCircuitBreaker: z6.boolean().optional(),
  scalingPolicies: z6.array(EcsScalingPolicySchema).optional()
});
var EcsRenderRequestSchema = EcsDeploymentFieldsSchema.extend({
  artifact: ArtifactSchema.optional(),
  taskDefinition: JsonObject2.optional(),
  serverGroupName: str2(255).optional(),
  failOnError: z6.boolean().optional()
});
var EcsReportEntrySchema = z6.object({
  action: z6.enum(["unwrapped", "dropped", "renamed", "converted", "set", "replaced", "removed", "patched"]),
  pointer: z6.string(),
  to: z6.string().optional(),
  source: z6.enum(["artifact", "overlay", "override", "injected", "image"]),
  reason: z6.string()
});
var EcsFindingSchema = z6.object({
  severity: z6.enum(["error", "warning"]),
  code: z6.string(),
  in: z6.enum(["taskDefinition", "request", "artifact"]),
  pointer: z6.string(),
  message: z6.string(),
  container: z6.string().optional()
});
var EcsImageBindingSchema = z6.object({
  containerName: z6.string(),
  image: z6.string(),
  source: z6.enum(["containerToImageMap", "containerMappings", "artifact", "artifact-rule", "kept"]),
  artifact: z6.object({ name: z6.string().optional(), reference: z6.string().optional() }).optional()
});
var EcsDiffChangeSchema = z6.object({
  op: z6.enum(["add", "remove", "replace"]),
  path: z6.string(),
  from: z6.unknown().optional(),
  value: z6.unknown().optional()
});
var EcsDiffSchema = z6.object({
  against: z6.object({ serverGroupName: z6.string(), taskDefinitionArn: z6.string().optional() }).optional(),
  changes: z6.array(EcsDiffChangeSchema)
});
var EcsRenderResponseSchema = z6.object({
  id: z6.string(),
  ok: z6.boolean(),
  url: z6.string(),
  taskDefinition: JsonObject2.optional(),
  report: z6.array(EcsReportEntrySchema),
  findings: z6.array(EcsFindingSchema),
  images: z6.array(EcsImageBindingSchema),
  diff: EcsDiffSchema,
  artifacts: z6.array(ArtifactSchema)
});
var EcsServerGroupRefSchema = z6.object({
  account: str2(256).optional(),
  credentials: str2(256).optional(),
  region: z6.string().min(1).max(64),
  serverGroupName: str2(255).optional(),
  asgName: str2(255).optional(),
  ecsClusterName: str2(255).optional(),
  moniker: EcsMonikerSchema.optional()
});
var EcsResizeDescriptionSchema = EcsServerGroupRefSchema.extend({ capacity: EcsCapacitySchema });
var EcsDeployRequestSchema = EcsDeploymentFieldsSchema.extend({
  strategy: z6.enum(["redblack", "highlander", "none"]),
  artifact: ArtifactSchema.optional(),
  taskDefinition: JsonObject2.optional(),
  maxWaitSeconds: z6.number().int().min(1).max(7200).optional(),
  scaleDownOldServerGroups: z6.boolean().optional()
});
var EcsOperationsRequestSchema = z6.array(JsonObject2).min(1).max(20);
var EcsRenderIdParamsSchema = z6.object({ id: z6.string().min(1).max(64) });

// packages/contract/src/operations/ecs.ts
var ecsOperations = {
  renderEcsTaskDefinition: defineOperation({
    method: "post",
    path: "/ecs/taskDefinitions/render",
    body: z7.preprocess(dropNulls, EcsRenderRequestSchema),
    response: EcsRenderResponseSchema
  }),
  getEcsRenderedTaskDefinition: defineOperation({
    method: "get",
    path: "/ecs/renders/{id}/taskDefinition.json",
    params: EcsRenderIdParamsSchema,
    response: z7.record(z7.string(), z7.unknown())
  }),
  ecsOperations: defineOperation({ method: "post", path: "/ecs/ops", body: EcsOperationsRequestSchema, response: TaskRefSchema, status: 202 }),
  ecsCreateServerGroup: defineOperation({
    method: "post",
    path: "/ecs/ops/createServerGroup",
    body: z7.preprocess(dropNulls, EcsDeploymentFieldsSchema),
    response: TaskRefSchema,
    status: 202
  }),
  ecsDisableServerGroup: defineOperation({ method: "post", path: "/ecs/ops/disableServerGroup", body: z7.preprocess(dropNulls, EcsServerGroupRefSchema), response: TaskRefSchema, status: 202 }),
  ecsEnableServerGroup: defineOperation({ method: "post", path: "/ecs/ops/enableServerGroup", body: z7.preprocess(dropNulls, EcsServerGroupRefSchema), response: TaskRefSchema, status: 202 }),
  ecsResizeServerGroup: defineOperation({ method: "post", path: "/ecs/ops/resizeServerGroup", body: z7.preprocess(dropNulls, EcsResizeDescriptionSchema), response: TaskRefSchema, status: 202 }),
  ecsDestroyServerGroup: defineOperation({ method: "post", path: "/ecs/ops/destroyServerGroup", body: z7.preprocess(dropNulls, EcsServerGroupRefSchema), response: TaskRefSchema, status: 202 }),
  ecsDeploy: defineOperation({ method: "post", path: "/ecs/ops/deploy", body: z7.preprocess(dropNulls, EcsDeployRequestSchema), response: TaskRefSchema, status: 202 })
};

// packages/contract/src/operations/lambda.ts
import { z as z9 } from "zod";

// packages/contract/src/schemas/lambda.ts
import { z as z8 } from "zod";
var str3 = (max) => z8.string().max(max).nullish();
var int = (min, max) => z8.number().int().min(min).max(max).nullish();
var bool = () => z8.boolean().nullish();
var reqName = z8.string().min(1).max(140);
var StringMapSchema = z8.record(z8.string(), z8.string().max(4096)).nullable().refine((m) => !m || Object.keys(m).length <= 200, {
  message: "at most 200 entries"
});
var StringListSchema = z8.array(z8.string().max(2048)).max(100).nullable();
var LambdaArtifactSchema = z8.object({
  type: z8.string().max(64),
  name: str3(2048),
  reference: str3(10485760),
  version: str3(1024),
  artifactAccount: str3(256),
  location: str3(256)
}).nullable();
var DestinationSchema = z8.object({ destination: str3(2048) }).nullish();
var DestinationConfigSchema = z8.object({ onSuccess: DestinationSchema, onFailure: DestinationSchema }).nullable();
var AsyncInvokeConfigSchema = z8.object({
  maximumRetryAttempts: int(0, 2),
  maximumEventAgeInSeconds: int(60, 21600),
  destinationConfig: DestinationConfigSchema.optional()
}).nullable();
var FunctionUrlConfigSchema = z8.object({
  enabled: bool(),
  authType: z8.enum(["NONE", "AWS_IAM"]).nullish(),
  invokeMode: z8.enum(["BUFFERED", "RESPONSE_STREAM"]).nullish(),
  cors: z8.object({
    allowCredentials: bool(),
    allowHeaders: StringListSchema.optional(),
    allowMethods: StringListSchema.optional(),
    allowOrigins: StringListSchema.optional(),
    exposeHeaders: StringListSchema.optional(),
    maxAge: int(0, 86400)
  }).nullish()
}).nullable();
var ArchitecturesSchema = z8.array(z8.enum(["x86_64", "arm64"])).max(1).nullish();
var LambdaFunctionSettingsSchema = z8.object({
  description: str3(256),
  handler: str3(128),
  role: str3(2048),
  runtime: str3(64),
  layers: StringListSchema.optional(),
  memorySize: int(128, 10240),
  timeout: int(1, 900),
  tags: StringMapSchema.optional(),
  envVariables: StringMapSchema.optional(),
  subnetIds: StringListSchema.optional(),
  securityGroupIds: StringListSchema.optional(),
  targetGroups: z8.union([z8.string().max(2048), StringListSchema]).optional(),
  deadLetterConfig: z8.object({ targetArn: str3(2048) }).nullish(),
  tracingConfig: z8.object({ mode: z8.enum(["Active", "PassThrough"]).nullish() }).nullish(),
  kmskeyArn: str3(2048),
  imageConfig: z8.object({ command: StringListSchema.optional(), entryPoint: StringListSchema.optional(), workingDirectory: str3(1e3) }).nullish(),
  architectures: ArchitecturesSchema,
  ephemeralStorage: z8.object({ size: z8.number().int().min(512).max(10240).optional() }).nullish(),
  snapStart: z8.object({ applyOn: z8.enum(["PublishedVersions", "None"]).optional() }).nullish(),
  loggingConfig: z8.object({
    logFormat: z8.enum(["JSON", "Text"]).nullish(),
    applicationLogLevel: z8.enum(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]).nullish(),
    systemLogLevel: z8.enum(["DEBUG", "INFO", "WARN"]).nullish(),
    logGroup: str3(512)
  }).nullish(),
  functionUrl: FunctionUrlConfigSchema.optional(),
  asyncInvokeConfig: AsyncInvokeConfigSchema.optional()
});
var LambdaDescriptionBaseSchema = z8.object({
  credentials: z8.string().min(1).max(256),
  account: str3(256),
  region: z8.string().min(1).max(64),
  appName: str3(256),
  cloudProvider: str3(64)
});
var CreateLambdaFunctionDescriptionSchema = LambdaDescriptionBaseSchema.extend(LambdaFunctionSettingsSchema.shape).extend({
  functionName: reqName,
  s3bucket: str3(63),
  s3key: str3(1024),
  publish: bool(),
  packageType: z8.enum(["Zip", "Image"]).nullish(),
  imageUri: str3(2048),
  artifact: LambdaArtifactSchema.optional()
});
var UpdateLambdaFunctionConfigurationDescriptionSchema = LambdaDescriptionBaseSchema.extend(LambdaFunctionSettingsSchema.shape).extend({
  functionName: reqName
});
var UpdateLambdaFunctionCodeDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  s3bucket: str3(63),
  s3key: str3(1024),
  imageUri: str3(2048),
  artifact: LambdaArtifactSchema.optional(),
  publish: bool(),
  architectures: ArchitecturesSchema
});
var DeleteLambdaFunctionDescriptionSchema = LambdaDescriptionBaseSchema.extend({ functionName: reqName, qualifier: str3(128) });
var InvokeLambdaFunctionDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: str3(128),
  payload: str3(6291456),
  payloadArtifact: LambdaArtifactSchema.optional(),
  timeout: int(-1, 900),
  invocationType: z8.enum(["RequestResponse", "Event", "DryRun"]).nullish()
});
var PublishLambdaFunctionVersionDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  description: str3(256),
  revisionId: str3(128)
});
var UpsertLambdaFunctionAliasDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  aliasName: z8.string().min(1).max(128),
  aliasDescription: str3(256),
  majorFunctionVersion: str3(1024),
  minorFunctionVersion: str3(1024),
  weightToMinorFunctionVersion: z8.number().min(0).max(1).nullish()
});
var DeleteLambdaFunctionAliasDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  aliasName: z8.string().min(1).max(128)
});
var LambdaEventMappingDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: str3(128),
  eventSourceArn: z8.string().min(1).max(2048),
  batchsize: int(1, 1e4),
  enabled: bool(),
  startingPosition: z8.enum(["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"]).nullish(),
  bisectBatchOnError: bool(),
  maxBatchingWindowSecs: int(-1, 300),
  maxRecordAgeSecs: int(-1, 604800),
  maxRetryAttempts: int(-1, 1e4),
  parallelizationFactor: int(-1, 10),
  tumblingWindowSecs: int(-1, 900),
  destinationConfig: DestinationConfigSchema.optional(),
  uuid: str3(128)
});
var PutLambdaReservedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  reservedConcurrentExecutions: z8.number().int().min(0).max(1e5)
});
var DeleteLambdaReservedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({ functionName: reqName });
var PutLambdaProvisionedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: z8.string().min(1).max(128),
  provisionedConcurrentExecutions: z8.number().int().min(1).max(1e5)
});
var DeleteLambdaProvisionedConcurrencyDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: reqName,
  qualifier: z8.string().min(1).max(128)
});
var lambdaDescriptionSchemas = {
  createLambdaFunction: CreateLambdaFunctionDescriptionSchema,
  updateLambdaFunctionConfiguration: UpdateLambdaFunctionConfigurationDescriptionSchema,
  updateLambdaFunctionCode: UpdateLambdaFunctionCodeDescriptionSchema,
  deleteLambdaFunction: DeleteLambdaFunctionDescriptionSchema,
  invokeLambdaFunction: InvokeLambdaFunctionDescriptionSchema,
  publishLambdaFunctionVersion: PublishLambdaFunctionVersionDescriptionSchema,
  upsertLambdaFunctionAlias: UpsertLambdaFunctionAliasDescriptionSchema,
  deleteLambdaFunctionAlias: DeleteLambdaFunctionAliasDescriptionSchema,
  upsertLambdaFunctionEventMapping: LambdaEventMappingDescriptionSchema,
  deleteLambdaFunctionEventMapping: LambdaEventMappingDescriptionSchema,
  putLambdaReservedConcurrency: PutLambdaReservedConcurrencyDescriptionSchema,
  deleteLambdaReservedConcurrency: DeleteLambdaReservedConcurrencyDescriptionSchema,
  putLambdaProvisionedConcurrency: PutLambdaProvisionedConcurrencyDescriptionSchema,
  deleteLambdaProvisionedConcurrency: DeleteLambdaProvisionedConcurrencyDescriptionSchema
};
var listEntryShape = Object.fromEntries(Object.entries(lambdaDescriptionSchemas).map(([k, v]) => [k, v.optional()]));
var LambdaOperationListSchema = z8.array(
  z8.looseObject(listEntryShape).superRefine((entry, ctx) => {
    const keys = Object.keys(entry);
    if (keys.length !== 1) ctx.addIssue({ code: "custom", message: `expected exactly one operation name, found ${keys.length}` });
    else if (!(keys[0] in lambdaDescriptionSchemas)) ctx.addIssue({ code: "custom", path: [keys[0]], message: `unknown operation ${keys[0]}` });
  })
).min(1).max(20);
var LambdaEventSourceMappingSchema = z8.looseObject({
  uuid: z8.string(),
  eventSourceArn: z8.string(),
  functionArn: z8.string(),
  batchSize: z8.number().int().optional(),
  state: z8.string().optional(),
  stateTransitionReason: z8.string().optional(),
  lastModified: z8.string().optional(),
  startingPosition: z8.string().optional(),
  maximumBatchingWindowInSeconds: z8.number().int().optional()
});
var LambdaAliasConfigurationSchema = z8.looseObject({
  name: z8.string(),
  aliasArn: z8.string(),
  functionVersion: z8.string().optional(),
  description: z8.string().optional(),
  revisionId: z8.string().optional(),
  routingConfig: z8.object({ additionalVersionWeights: z8.record(z8.string(), z8.number()).optional() }).optional()
});
var LambdaFunctionSchema = z8.looseObject({
  functionName: z8.string(),
  functionArn: z8.string().optional(),
  account: z8.string(),
  region: z8.string(),
  cloudProvider: z8.string().optional(),
  runtime: z8.string().optional(),
  handler: z8.string().optional(),
  role: z8.string().optional(),
  version: z8.string().optional(),
  revisionId: z8.string().optional(),
  lastModified: z8.string().optional(),
  state: z8.string().optional(),
  lastUpdateStatus: z8.string().optional(),
  packageType: z8.string().optional(),
  tags: z8.record(z8.string(), z8.string()).optional(),
  revisions: z8.record(z8.string(), z8.string()).optional(),
  aliasConfigurations: z8.array(LambdaAliasConfigurationSchema).optional(),
  eventSourceMappings: z8.array(LambdaEventSourceMappingSchema).optional(),
  targetGroups: z8.array(z8.string()).optional(),
  moniker: z8.object({ app: z8.string().optional(), stack: z8.string().optional(), detail: z8.string().optional(), cluster: z8.string().optional() }).optional()
});
var LambdaRuntimeSchema = z8.object({
  runtime: z8.string(),
  family: z8.string(),
  deprecated: z8.boolean(),
  deprecationDate: z8.string().optional()
});
var FunctionCacheRefreshSchema = z8.object({
  credentials: str3(256),
  account: str3(256),
  region: z8.string().min(1).max(64),
  functionName: z8.string().min(1).max(140),
  appName: str3(256)
});
var FunctionCacheRefreshResultSchema = z8.object({
  cachedIdentifiersByType: z8.record(z8.string(), z8.array(z8.string())),
  function: LambdaFunctionSchema.optional()
});
var FunctionCacheEntrySchema = z8.object({
  id: z8.string(),
  details: z8.record(z8.string(), z8.string()),
  cacheTime: z8.number().int(),
  processedCount: z8.number().int(),
  processedTime: z8.number().int()
});
var FunctionCacheQuerySchema = z8.object({ id: z8.string().min(1).max(512) });
var ListFunctionsQuerySchema = z8.object({
  account: z8.string().max(256).optional(),
  region: z8.string().max(64).optional(),
  functionName: z8.string().max(256).optional(),
  provider: z8.string().max(64).optional()
});
var ApplicationFunctionsParamsSchema = z8.object({ application: z8.string().min(1).max(256) });
var ClientRequestIdQuerySchema = z8.object({ clientRequestId: z8.string().max(256).optional() });

// packages/contract/src/operations/lambda.ts
var lambdaOperations = {
  createLambdaFunction: defineOperation({ method: "post", path: "/aws/ops/createLambdaFunction", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.createLambdaFunction, response: TaskRefSchema }),
  updateLambdaFunctionConfiguration: defineOperation({ method: "post", path: "/aws/ops/updateLambdaFunctionConfiguration", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.updateLambdaFunctionConfiguration, response: TaskRefSchema }),
  updateLambdaFunctionCode: defineOperation({ method: "post", path: "/aws/ops/updateLambdaFunctionCode", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.updateLambdaFunctionCode, response: TaskRefSchema }),
  deleteLambdaFunction: defineOperation({ method: "post", path: "/aws/ops/deleteLambdaFunction", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaFunction, response: TaskRefSchema }),
  invokeLambdaFunction: defineOperation({ method: "post", path: "/aws/ops/invokeLambdaFunction", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.invokeLambdaFunction, response: TaskRefSchema }),
  publishLambdaFunctionVersion: defineOperation({ method: "post", path: "/aws/ops/publishLambdaFunctionVersion", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.publishLambdaFunctionVersion, response: TaskRefSchema }),
  upsertLambdaFunctionAlias: defineOperation({ method: "post", path: "/aws/ops/upsertLambdaFunctionAlias", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.upsertLambdaFunctionAlias, response: TaskRefSchema }),
  deleteLambdaFunctionAlias: defineOperation({ method: "post", path: "/aws/ops/deleteLambdaFunctionAlias", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaFunctionAlias, response: TaskRefSchema }),
  upsertLambdaFunctionEventMapping: defineOperation({ method: "post", path: "/aws/ops/upsertLambdaFunctionEventMapping", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.upsertLambdaFunctionEventMapping, response: TaskRefSchema }),
  deleteLambdaFunctionEventMapping: defineOperation({ method: "post", path: "/aws/ops/deleteLambdaFunctionEventMapping", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaFunctionEventMapping, response: TaskRefSchema }),
  putLambdaReservedConcurrency: defineOperation({ method: "post", path: "/aws/ops/putLambdaReservedConcurrency", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.putLambdaReservedConcurrency, response: TaskRefSchema }),
  deleteLambdaReservedConcurrency: defineOperation({ method: "post", path: "/aws/ops/deleteLambdaReservedConcurrency", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaReservedConcurrency, response: TaskRefSchema }),
  putLambdaProvisionedConcurrency: defineOperation({ method: "post", path: "/aws/ops/putLambdaProvisionedConcurrency", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.putLambdaProvisionedConcurrency, response: TaskRefSchema }),
  deleteLambdaProvisionedConcurrency: defineOperation({ method: "post", path: "/aws/ops/deleteLambdaProvisionedConcurrency", query: ClientRequestIdQuerySchema, body: lambdaDescriptionSchemas.deleteLambdaProvisionedConcurrency, response: TaskRefSchema }),
  submitAwsOperations: defineOperation({ method: "post", path: "/aws/ops", query: ClientRequestIdQuerySchema, body: LambdaOperationListSchema, response: TaskRefSchema }),
  listFunctions: defineOperation({ method: "get", path: "/functions", query: ListFunctionsQuerySchema, response: z9.array(LambdaFunctionSchema) }),
  listFunctionRuntimes: defineOperation({ method: "get", path: "/functions/runtimes", response: z9.array(LambdaRuntimeSchema) }),
  listApplicationFunctions: defineOperation({
    method: "get",
    path: "/applications/{application}/functions",
    params: ApplicationFunctionsParamsSchema,
    response: z9.array(LambdaFunctionSchema)
  }),
  getFunctionCacheStatus: defineOperation({ method: "get", path: "/cache/aws/function", query: FunctionCacheQuerySchema, response: z9.array(FunctionCacheEntrySchema) }),
  refreshFunctionCache: defineOperation({ method: "post", path: "/cache/aws/function", body: FunctionCacheRefreshSchema, response: FunctionCacheRefreshResultSchema })
};

// packages/contract/src/operations/plugins.ts
import { z as z11 } from "zod";

// packages/contract/src/schemas/plugins.ts
import { z as z10 } from "zod";
var PluginReleaseSchema = z10.object({
  version: z10.string(),
  date: z10.string(),
  requires: z10.string(),
  url: z10.string(),
  sha512sum: z10.string(),
  preferred: z10.boolean().optional()
});
var PluginInfoSchema = z10.object({
  id: z10.string(),
  name: z10.string(),
  description: z10.string(),
  provider: z10.string(),
  projectUrl: z10.string().optional(),
  releases: z10.array(PluginReleaseSchema)
});
var AccountSummarySchema = z10.object({
  name: z10.string(),
  type: z10.literal("aws"),
  cloudProvider: z10.literal("aws"),
  accountId: z10.string().optional(),
  environment: z10.string().optional(),
  accountType: z10.string().optional(),
  regions: z10.array(z10.object({ name: z10.string() })),
  lambdaEnabled: z10.boolean(),
  ecsEnabled: z10.boolean()
});

// packages/contract/src/operations/plugins.ts
var pluginOperations = {
  getPluginRepository: defineOperation({ method: "get", path: "/plugins/repository/plugins.json", response: z11.array(PluginInfoSchema) }),
  getDeckPluginBundle: defineOperation({ method: "get", path: "/plugins/repository/deck.zip" }),
  listAccounts: defineOperation({ method: "get", path: "/accounts", response: z11.array(AccountSummarySchema) })
};

// packages/contract/src/operations/lambdaRollout.ts
import { z as z13 } from "zod";

// packages/contract/src/schemas/lambdaRollout.ts
import { z as z12 } from "zod";
var LAMBDA_DEPLOYMENT_TYPES = [
  "Canary10Percent5Minutes",
  "Canary10Percent10Minutes",
  "Canary10Percent15Minutes",
  "Canary10Percent30Minutes",
  "Linear10PercentEvery1Minute",
  "Linear10PercentEvery2Minutes",
  "Linear10PercentEvery3Minutes",
  "Linear10PercentEvery10Minutes",
  "AllAtOnce"
];
var LambdaShiftStepSchema = z12.object({
  weight: z12.number().gt(0).max(100),
  bakeSeconds: z12.number().int().min(0).max(86400).nullish()
});
var LambdaMetricGateSchema = z12.object({
  metric: z12.enum(["Errors", "Throttles", "Duration"]),
  mode: z12.enum(["rate", "absolute"]).nullish(),
  statistic: z12.string().max(16).nullish(),
  threshold: z12.number().min(0),
  comparedToBaseline: z12.boolean().nullish(),
  periodSeconds: z12.number().int().min(60).max(86400).nullish(),
  minInvocations: z12.number().int().min(0).max(1e9).nullish()
});
var LambdaInvokeCheckSchema = z12.object({
  invocations: z12.number().int().min(1).max(100).nullish(),
  payload: z12.string().max(262144).nullish(),
  successRate: z12.number().min(0).max(1).nullish(),
  jsonPath: z12.string().max(512).nullish(),
  equals: z12.unknown().optional(),
  regex: z12.string().max(1024).nullish()
});
var LambdaRolloutGatesSchema = z12.object({
  intervalSeconds: z12.number().int().min(1).max(3600).nullish(),
  alarms: z12.array(z12.string().min(1).max(255)).max(50).nullish(),
  metrics: z12.array(LambdaMetricGateSchema).max(20).nullish(),
  invokeCheck: LambdaInvokeCheckSchema.nullish()
});
var LambdaRolloutHooksSchema = z12.object({
  beforeAllowTraffic: z12.string().max(2048).nullish(),
  afterAllowTraffic: z12.string().max(2048).nullish(),
  timeoutSeconds: z12.number().int().min(1).max(3600).nullish()
});
var DeployLambdaProgressiveDescriptionSchema = LambdaDescriptionBaseSchema.extend({
  functionName: z12.string().min(1).max(140),
  aliasName: z12.string().min(1).max(128),
  targetVersion: z12.string().max(32).nullish(),
  versionDescription: z12.string().max(256).nullish(),
  deploymentType: z12.enum(LAMBDA_DEPLOYMENT_TYPES).nullish(),
  steps: z12.array(LambdaShiftStepSchema).min(1).max(100).nullish(),
  gates: LambdaRolloutGatesSchema.nullish(),
  hooks: LambdaRolloutHooksSchema.nullish(),
  provisionedConcurrentExecutions: z12.number().int().min(1).max(1e5).nullish()
});
var LambdaRolloutEventSchema = z12.object({
  at: z12.number().int(),
  kind: z12.enum(["started", "version", "provisioned", "hook", "weight", "gate", "control", "decision", "finished", "resumed"]),
  message: z12.string(),
  step: z12.number().int().optional(),
  weight: z12.number().optional(),
  gate: z12.string().optional(),
  value: z12.union([z12.number(), z12.string()]).nullish(),
  threshold: z12.union([z12.number(), z12.string()]).nullish(),
  passed: z12.boolean().optional()
});
var LambdaRolloutSchema = z12.object({
  id: z12.string(),
  account: z12.string(),
  region: z12.string(),
  functionName: z12.string(),
  aliasName: z12.string(),
  oldVersion: z12.string().optional(),
  newVersion: z12.string().optional(),
  deploymentType: z12.string().optional(),
  state: z12.enum(["RUNNING", "PAUSED", "SUCCEEDED", "ROLLED_BACK", "FAILED"]),
  phase: z12.enum(["PREPARE", "PROVISION", "BEFORE_ALLOW_TRAFFIC", "SHIFT", "AFTER_ALLOW_TRAFFIC", "ROLLBACK", "DONE"]),
  weight: z12.number(),
  stepIndex: z12.number().int(),
  steps: z12.array(LambdaShiftStepSchema),
  nextShiftAt: z12.number().int().optional(),
  rollbackReason: z12.string().optional(),
  createdAt: z12.number().int(),
  updatedAt: z12.number().int(),
  events: z12.array(LambdaRolloutEventSchema)
});
var LambdaRolloutControlSchema = z12.object({ reason: z12.string().max(1024).nullish() });
var LifecycleEventHookExecutionStatusSchema = z12.object({
  deploymentId: z12.string().min(1).max(128),
  lifecycleEventHookExecutionId: z12.string().min(1).max(1024),
  status: z12.enum(["Succeeded", "Failed"])
});
var LifecycleEventHookExecutionStatusResultSchema = z12.object({ lifecycleEventHookExecutionId: z12.string() });
var RolloutIdParamsSchema = z12.object({ id: z12.string().min(1).max(128) });
var ListLambdaRolloutsQuerySchema = z12.object({
  account: z12.string().max(256).optional(),
  functionName: z12.string().max(256).optional(),
  active: z12.enum(["true", "false"]).optional(),
  limit: z12.coerce.number().int().min(1).max(1e3).default(100)
});

// packages/contract/src/operations/lambdaRollout.ts
var control = (verb) => defineOperation({
  method: "post",
  path: `/lambda/rollouts/{id}/${verb}`,
  params: RolloutIdParamsSchema,
  body: LambdaRolloutControlSchema.optional(),
  response: LambdaRolloutSchema
});
var lambdaRolloutOperations = {
  deployLambdaProgressive: defineOperation({
    method: "post",
    path: "/aws/ops/deployLambdaProgressive",
    query: ClientRequestIdQuerySchema,
    body: DeployLambdaProgressiveDescriptionSchema,
    response: TaskRefSchema
  }),
  startLambdaRollout: defineOperation({
    method: "post",
    path: "/lambda/rollouts",
    query: ClientRequestIdQuerySchema,
    body: DeployLambdaProgressiveDescriptionSchema,
    response: TaskRefSchema,
    status: 202
  }),
  listLambdaRollouts: defineOperation({ method: "get", path: "/lambda/rollouts", query: ListLambdaRolloutsQuerySchema, response: z13.array(LambdaRolloutSchema) }),
  getLambdaRollout: defineOperation({ method: "get", path: "/lambda/rollouts/{id}", params: RolloutIdParamsSchema, response: LambdaRolloutSchema }),
  pauseLambdaRollout: control("pause"),
  resumeLambdaRollout: control("resume"),
  skipLambdaRolloutStep: control("skip"),
  promoteLambdaRollout: control("promote"),
  rollbackLambdaRollout: control("rollback"),
  putLifecycleEventHookExecutionStatus: defineOperation({
    method: "post",
    path: "/codedeploy",
    body: LifecycleEventHookExecutionStatusSchema,
    response: LifecycleEventHookExecutionStatusResultSchema
  })
};

// packages/contract/src/operations.ts
var operations = {
  ...coreOperations,
  ...ecsOperations,
  ...lambdaOperations,
  ...lambdaRolloutOperations,
  ...bakeOperations,
  ...pluginOperations
};

// packages/contract/src/schemas/jacksonLenient.ts
var ZERO_MEANS_UNSET = /* @__PURE__ */ new Set(["batchsize"]);
var defOf = (s) => s._zod.def;
function unwrap(s, depth2 = 0) {
  const d = defOf(s);
  if (depth2 > 20) return s;
  if (d.innerType) return unwrap(d.innerType, depth2 + 1);
  if (d.type === "pipe") {
    const out = d.out && defOf(d.out).type !== "transform" ? d.out : d.in;
    return out ? unwrap(out, depth2 + 1) : s;
  }
  if (d.type === "lazy" && d.getter) return unwrap(d.getter(), depth2 + 1);
  return s;
}
function scalarKind(s) {
  const d = defOf(unwrap(s));
  if (d.type === "number" || d.type === "int" || d.type === "bigint") return "number";
  if (d.type === "boolean") return "boolean";
  if (d.type === "union" && d.options) {
    const kinds = d.options.map(scalarKind);
    if (kinds.includes("number") && !d.options.some((o) => defOf(unwrap(o)).type === "string")) return "number";
    if (kinds.includes("boolean") && !d.options.some((o) => defOf(unwrap(o)).type === "string")) return "boolean";
  }
  return void 0;
}
var NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
var UNSET = /* @__PURE__ */ Symbol("unset");
function coerceScalar(kind, v, key2) {
  if (kind === "number") {
    if (typeof v === "string") {
      if (v.trim() === "") return UNSET;
      if (NUMERIC.test(v)) v = Number(v);
    }
    if (v === 0 && key2 !== void 0 && ZERO_MEANS_UNSET.has(key2)) return UNSET;
    return v;
  }
  if (kind === "boolean" && typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "") return UNSET;
    if (t === "true") return true;
    if (t === "false") return false;
  }
  return v;
}
function walk(schema, value, key2, depth2) {
  if (depth2 > 32 || value === null || value === void 0) return value;
  const kind = scalarKind(schema);
  if (kind) return coerceScalar(kind, value, key2);
  const s = unwrap(schema);
  const d = defOf(s);
  if (d.type === "object" && d.shape && typeof value === "object" && !Array.isArray(value)) {
    let out;
    for (const [k, v] of Object.entries(value)) {
      const field = d.shape[k] ?? d.catchall;
      if (!field) continue;
      const next = walk(field, v, k, depth2 + 1);
      if (next !== v) {
        out ??= { ...value };
        if (next === UNSET) delete out[k];
        else out[k] = next;
      }
    }
    return out ?? value;
  }
  if (d.type === "array" && d.element && Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const next = walk(d.element, v, void 0, depth2 + 1);
      if (next !== v) changed = true;
      return next === UNSET ? null : next;
    });
    return changed ? out : value;
  }
  if (d.type === "record" && d.valueType && typeof value === "object" && !Array.isArray(value)) {
    let out;
    for (const [k, v] of Object.entries(value)) {
      const next = walk(d.valueType, v, k, depth2 + 1);
      if (next !== v) {
        out ??= { ...value };
        if (next === UNSET) delete out[k];
        else out[k] = next;
      }
    }
    return out ?? value;
  }
  if (d.type === "intersection" && d.left && d.right) return walk(d.right, walk(d.left, value, key2, depth2 + 1), key2, depth2 + 1);
  if (d.type === "union" && d.options && typeof value === "object") {
    const objects = d.options.filter((o) => defOf(unwrap(o)).type === "object" || defOf(unwrap(o)).type === "array");
    const fits = objects.find((o) => {
      const od = defOf(unwrap(o));
      return Array.isArray(value) ? od.type === "array" : od.type === "object" && Object.keys(value).every((k) => od.shape?.[k]);
    });
    const pick = fits ?? objects.find((o) => defOf(unwrap(o)).type === "array" === Array.isArray(value));
    return pick ? walk(pick, value, key2, depth2 + 1) : value;
  }
  return value;
}
function jacksonLenient(schema, value) {
  if (!schema) return value;
  const out = walk(schema, value, void 0, 0);
  return out === UNSET ? void 0 : out;
}

// packages/contract/src/schemas/errors.ts
import { z as z14 } from "zod";
var FieldErrorSchema = z14.object({
  field: z14.string(),
  message: z14.string()
});
var ErrorBodySchema = z14.object({
  timestamp: z14.number().int(),
  status: z14.number().int(),
  error: z14.string(),
  message: z14.string(),
  path: z14.string(),
  requestId: z14.string().optional(),
  errors: z14.array(FieldErrorSchema).optional()
});

// packages/runtime/src/aws/createAwsClientFactory.ts
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
function roleArnFor(account) {
  if (!account.assumeRole) return void 0;
  if (account.assumeRole.startsWith("arn:")) return account.assumeRole;
  return `arn:aws:iam::${account.accountId}:${account.assumeRole.replace(/^:?/, "")}`;
}
function createAwsClientFactory(deps) {
  const clients = /* @__PURE__ */ new Map();
  const credentialsByAccount = /* @__PURE__ */ new Map();
  const maxAttempts = deps.config.aws.client.maxAttempts;
  function credentialsFor(account, region) {
    if (credentialsByAccount.has(account.name)) return credentialsByAccount.get(account.name);
    const roleArn = roleArnFor(account);
    const provider = roleArn ? fromTemporaryCredentials({
      params: {
        RoleArn: roleArn,
        RoleSessionName: account.sessionName ?? "outrigger",
        ...account.externalId ? { ExternalId: account.externalId } : {}
      },
      ...deps.credentials ? { masterCredentials: deps.credentials } : {},
      clientConfig: { region, ...account.endpoint ? { endpoint: account.endpoint } : {}, maxAttempts }
    }) : deps.credentials;
    credentialsByAccount.set(account.name, provider);
    return provider;
  }
  let defaultChain;
  return {
    credentials(account, region) {
      return credentialsFor(account, region) ?? (defaultChain ??= fromNodeProviderChain());
    },
    client(clientClass, account, region) {
      const key2 = `${account.name}\0${region}\0${clientClass.name}`;
      let c2 = clients.get(key2);
      if (!c2) {
        const credentials = credentialsFor(account, region);
        const config2 = {
          region,
          maxAttempts,
          retryMode: "adaptive",
          ...account.endpoint ? { endpoint: account.endpoint, forcePathStyle: true } : {},
          ...credentials ? { credentials } : {}
        };
        c2 = deps.makeClient ? deps.makeClient(clientClass, config2, account) : new clientClass(config2);
        clients.set(key2, c2);
      }
      return c2;
    }
  };
}

// packages/runtime/src/http/bindOperation.ts
import express from "express";
import "zod";

// packages/runtime/src/errors/zodIssues.ts
function jsonPath(root, path5) {
  let out = root;
  for (const seg of path5) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && /^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
function fieldErrors(root, error) {
  const out = [];
  for (const issue of error.issues) {
    if (issue.code === "invalid_union" && "errors" in issue && Array.isArray(issue.errors) && issue.errors.length) {
      const best = [...issue.errors].sort((a, b) => deepest(b) - deepest(a))[0];
      for (const inner of best) out.push({ field: jsonPath(root, [...issue.path, ...inner.path]), message: inner.message });
      continue;
    }
    if (issue.code === "unrecognized_keys") {
      for (const key2 of issue.keys) out.push({ field: jsonPath(root, [...issue.path, key2]), message: "unknown field" });
      continue;
    }
    out.push({ field: jsonPath(root, issue.path), message: issue.message });
  }
  return out;
}
function deepest(issues) {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

// packages/runtime/src/http/bindOperation.ts
function toExpressPath(specPath) {
  return specPath.replace(/:/g, "\\:").replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}
function createOperationBinder(deps) {
  const json = express.json({ limit: deps.bodyLimit, type: () => true, strict: false });
  return (router, operationId, handler) => {
    const def = operations[operationId];
    const path5 = toExpressPath(def.path);
    const route = router.route(path5);
    const mark = (_req, res, next) => {
      res.locals.operationId = operationId;
      next();
    };
    const parseBody = (req, res, next) => {
      if (!def.body || def.rawBody) return next();
      const hasBody = req.headers["transfer-encoding"] !== void 0 || Number(req.headers["content-length"] ?? 0) > 0;
      if (!hasBody) return next();
      if (!req.is(["application/json", "application/*+json", "application/x-amz-json-1.0", "application/x-amz-json-1.1"])) {
        return next(
          new UnsupportedMediaTypeError(`${operationId} accepts application/json, not ${req.headers["content-type"] ?? "a body without Content-Type"}`, {
            errors: [{ field: "$.headers.content-type", message: "expected application/json" }]
          })
        );
      }
      json(req, res, next);
    };
    const handle = async (req, res) => {
      const issues = [];
      const parse = (schema, value, root) => {
        if (!schema) return void 0;
        const r = schema.safeParse(value);
        if (!r.success) {
          issues.push(...fieldErrors(root, r.error));
          return void 0;
        }
        return r.data;
      };
      if (def.body && !def.rawBody && req.body !== void 0 && (req.body === null || typeof req.body !== "object")) {
        const expected = def.body.def?.type === "array" ? "an array" : "an object";
        throw new InputError(`The request body must be a JSON ${expected === "an array" ? "array" : "object"}, not ${req.body === null ? "null" : `a ${typeof req.body}`}.`, {
          errors: [{ field: "$.body", message: `expected ${expected}` }]
        });
      }
      const params = parse(def.params, { ...req.params }, "$.path");
      const query = parse(def.query, { ...req.query }, "$.query");
      const body = parse(def.body, def.rawBody ? req.body : jacksonLenient(def.body, req.body), "$.body");
      if (issues.length) throw new InputError("Validation Failed", { errors: issues });
      let principal;
      const result = await handler({
        params,
        query,
        body,
        principal: () => principal ??= deps.authorizer.principalFor(req),
        requestId: res.locals.requestId,
        log: deps.logger.child({ operationId, requestId: res.locals.requestId }),
        req,
        res
      });
      if (result === void 0 || res.headersSent) return;
      if (deps.validateResponses && def.response) {
        const check = def.response.safeParse(result);
        if (!check.success) {
          throw new Error(`${operationId} answered a body that does not match its contract: ${JSON.stringify(fieldErrors("$", check.error))}`);
        }
      }
      res.status(res.statusCode !== 200 ? res.statusCode : def.status ?? 200).json(result);
    };
    route[def.method](mark, parseBody, handle);
  };
}

// packages/runtime/src/http/createApp.ts
import express2 from "express";
import { createRequire } from "node:module";
import path from "node:path";

// packages/runtime/src/errors/statusFor.ts
var byName = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  PayloadTooLargeError: 413,
  UnsupportedMediaTypeError: 415,
  TooManyRequestsError: 429,
  NotImplementedError: 501,
  UpstreamError: 502,
  ServiceUnavailableError: 503
};
function statusFor(err) {
  if (err && typeof err === "object") {
    const name = err.name;
    if (typeof name === "string" && name in byName) return byName[name];
    const numeric = err.status ?? err.statusCode;
    if (typeof numeric === "number" && numeric >= 400 && numeric < 500) return numeric;
  }
  return 500;
}
var reasons = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable"
};
function reasonPhrase(status) {
  return reasons[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

// packages/runtime/src/http/errorHandler.ts
var parserMessages = {
  "entity.parse.failed": { message: "request body is not valid JSON", field: "$.body" },
  "entity.too.large": { message: "request body is larger than this server accepts", field: "$.body" },
  "encoding.unsupported": { message: "request body encoding is not supported", field: "$.body" },
  "charset.unsupported": { message: "request body charset is not supported", field: "$.body" },
  "request.aborted": { message: "request was aborted by the client" },
  "request.size.invalid": { message: "request body size does not match Content-Length", field: "$.body" },
  "stream.encoding.set": { message: "request stream encoding was already set" }
};
function errorBody(status, message, path5, requestId, errors) {
  return {
    timestamp: Date.now(),
    status,
    error: reasonPhrase(status),
    message,
    path: path5,
    ...requestId ? { requestId } : {},
    ...errors?.length ? { errors } : {}
  };
}
function errorHandler(logger) {
  return (err, req, res, _next) => {
    const requestId = res.locals.requestId;
    const status = statusFor(err);
    const parser = typeof err?.type === "string" ? parserMessages[err.type] : void 0;
    let message;
    let errors = err?.errors;
    if (parser) {
      message = parser.message;
      if (parser.field && !errors) errors = [{ field: parser.field, message: parser.message }];
    } else if (status === 500) {
      logger.error({ err, requestId, method: req.method, path: req.path }, "unhandled error");
      message = `Internal error; quote requestId ${requestId ?? "unknown"} to the operator`;
      errors = void 0;
    } else {
      message = err?.message || reasonPhrase(status);
      if (status >= 500) logger.warn({ err: { name: err?.name, message }, requestId, path: req.path }, "upstream or availability error");
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status === 405 && err?.allow) res.setHeader("Allow", err.allow);
    if (status === 429 && typeof err?.retryAfterSeconds === "number") res.setHeader("Retry-After", String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    res.status(status).json(errorBody(status, message, req.originalUrl.split("?")[0] ?? req.path, requestId, Array.isArray(errors) ? errors : void 0));
  };
}
function notFoundHandler() {
  return (req, _res, next) => next(new NotFoundError(`No handler for ${req.method} ${req.path}`));
}

// packages/runtime/src/http/requestContext.ts
import { randomUUID } from "node:crypto";
var SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function requestContext(deps) {
  return (req, res, next) => {
    const incoming = req.header("x-request-id");
    const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const operationId = res.locals.operationId ?? res.locals.route ?? "unmatched";
      deps.metrics.httpDuration.observe({ operationId, method: req.method, status: String(res.statusCode) }, seconds);
      const quiet = operationId === "getHealth" || operationId === "metrics";
      const line2 = { requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(seconds * 1e3), operationId, user: req.header("x-spinnaker-user") };
      if (res.statusCode >= 500) deps.logger.warn(line2, "request");
      else if (quiet) deps.logger.trace(line2, "request");
      else deps.logger.info(line2, "request");
    });
    next();
  };
}

// packages/runtime/src/http/createApp.ts
var docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>outrigger API reference</title>
<link rel="stylesheet" href="/api-docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/api-docs/assets/swagger-ui-bundle.js"></script>
<script src="/api-docs/init.js"></script></body></html>`;
var swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
var docsInit = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, tryItOutEnabled: false });`;
function createApp(deps) {
  const app = express2();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  app.use(requestContext({ logger: deps.logger, metrics: deps.metrics }));
  app.get("/metrics", async (_req, res) => {
    res.locals.route = "metrics";
    res.setHeader("Content-Type", deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  app.get("/openapi.json", (req, res) => {
    res.locals.route = "openapi";
    const proto = req.header("x-forwarded-proto")?.split(",")[0]?.trim() || req.protocol;
    const host = req.header("x-forwarded-host")?.split(",")[0]?.trim() || req.header("host");
    const doc = deps.openapiDocument;
    res.json(host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) && /^https?$/.test(proto) ? { ...doc, servers: [{ url: `${proto}://${host}` }] } : { ...doc, servers: [{ url: "/" }] });
  });
  app.get(["/api-docs", "/api-docs/"], (_req, res) => {
    res.locals.route = "apiDocs";
    res.type("html").send(docsPage);
  });
  app.get("/api-docs/init.js", (_req, res) => {
    res.type("application/javascript").send(docsInit);
  });
  app.use("/api-docs/assets", express2.static(swaggerUiDir, { index: false, maxAge: "1h" }));
  for (const router of deps.routers) app.use(router);
  if (deps.fallback) app.use(deps.fallback);
  app.use(notFoundHandler());
  app.use(errorHandler(deps.logger));
  return app;
}

// packages/runtime/src/http/createCoreRouter.ts
import { Router } from "express";

// packages/runtime/src/tasks/taskState.ts
var ORCHESTRATION = "ORCHESTRATION";
function stateOf(t) {
  if (!t.completed) return "running";
  if (t.canceled) return "canceled";
  return t.failed ? "failed" : "succeeded";
}
function orphanFinish(t, message, retryable = true) {
  return {
    failed: true,
    retryable,
    phase: ORCHESTRATION,
    status: `Orchestration failed: ${t.operation} | Exc: [${message}]`,
    resultObjects: [exceptionSummary({ operation: t.operation, message, cause: "ProcessDied", retryable })]
  };
}
function exceptionSummary(e) {
  const chain = e.chain?.length ? e.chain : [{ message: e.message, exceptionType: e.cause }];
  return {
    type: "EXCEPTION",
    operation: e.operation,
    message: e.message,
    cause: e.cause,
    retryable: e.retryable,
    details: [...chain].reverse().map((c2) => ({ message: c2.message, ...c2.exceptionType ? { exceptionType: c2.exceptionType } : {}, retryable: e.retryable }))
  };
}
function toClouddriverTask(t) {
  return {
    id: t.id,
    ownerId: t.ownerId,
    ...t.requestId ? { requestId: t.requestId } : {},
    operation: t.operation,
    ...t.account ? { account: t.account } : {},
    startTimeMs: t.startTimeMs,
    ...t.endTimeMs !== void 0 ? { endTimeMs: t.endTimeMs } : {},
    retryable: t.retryable,
    status: {
      phase: t.phase,
      status: t.status,
      complete: t.completed,
      completed: t.completed,
      failed: t.failed,
      retryable: t.retryable
    },
    history: t.history.map((h) => ({ phase: h.phase, status: h.status, timestamp: h.timestamp })),
    resultObjects: t.resultObjects,
    // clouddriver's DefaultTask.getOutputs(): the (manifest, phase, stdOut, stdErr) lines of Kubernetes jobs; outrigger
    // has none, and Orca's MonitorKatoTask copies the list into `kato.tasks[].outputs`.
    outputs: []
  };
}
function toWebhookStatus(t) {
  const state = stateOf(t);
  const status = { running: "RUNNING", succeeded: "SUCCEEDED", failed: "TERMINAL", canceled: "CANCELED" }[state];
  const exception = t.resultObjects.find((r) => r.type === "EXCEPTION");
  const message = state === "failed" && typeof exception?.message === "string" ? exception.message : t.status;
  const artifacts = t.resultObjects.flatMap((r) => Array.isArray(r.artifacts) ? r.artifacts : []);
  return {
    id: t.id,
    status,
    message,
    operation: t.operation,
    resultObjects: t.resultObjects,
    ...artifacts.length ? { artifacts } : {}
  };
}

// packages/runtime/src/http/createCoreRouter.ts
function createCoreRouter(deps) {
  const router = Router();
  const { bind, store, authorizer } = deps;
  const onUnknownTask = deps.onUnknownTask;
  if (onUnknownTask) {
    router.get("/task/:id", async (req, res, next) => {
      if (await store.get(String(req.params.id))) return next();
      onUnknownTask(req, res, next);
    });
    router.post("/task/:id\\:resume", async (req, res, next) => {
      if (await store.get(String(req.params.id))) return next();
      onUnknownTask(req, res, next);
    });
  }
  const cacheMs = deps.healthCacheMs ?? 1e3;
  let cached;
  async function runChecks() {
    const components = {};
    for (const [name, check] of Object.entries(deps.checks)) {
      try {
        components[name] = await check();
      } catch (err) {
        components[name] = { status: "DOWN", details: { error: err.message } };
      }
    }
    const status = Object.values(components).every((c2) => c2.status === "UP") ? "UP" : "DOWN";
    return { status, components };
  }
  bind(router, "getHealth", async ({ res }) => {
    const now = Date.now();
    if (!cached || now - cached.at >= cacheMs) cached = { at: now, health: runChecks() };
    const health = await cached.health;
    res.status(health.status === "UP" ? 200 : 503);
    return health;
  });
  async function readable(id, principal) {
    const task = await store.get(id);
    if (!task) throw new NotFoundError(`Task not found (id: ${id})`);
    if (task.account) {
      const visible = authorizer.readableAccounts(principal).some((a) => a.name === task.account);
      if (!visible) throw new NotFoundError(`Task not found (id: ${id})`);
    }
    return task;
  }
  bind(router, "listTasks", async ({ query, principal }) => {
    const accounts = authorizer.readableAccounts(await principal()).map((a) => a.name);
    return (await store.list({ limit: query.limit, accounts })).map(toClouddriverTask);
  });
  bind(router, "getTask", async ({ params, principal }) => toClouddriverTask(await readable(params.id, await principal())));
  bind(router, "resumeTask", async ({ params, principal }) => {
    const p = await principal();
    const task = await readable(params.id, p);
    if (task.account) {
      const account = authorizer.readableAccounts(p).find((a) => a.name === task.account);
      if (!account || !authorizer.canUse(p, account, "WRITE")) throw new NotAllowedError(`Access denied to account ${task.account} - required authorization: WRITE`);
    }
    const ref = { id: task.id, resourceUri: `/task/${task.id}` };
    if (!task.completed) return ref;
    const resumed = task.failed && task.retryable && deps.tasks ? await deps.tasks.resume(task.id) : void 0;
    if (resumed) return ref;
    const again = await store.get(task.id);
    if (again && !again.completed) return ref;
    throw new InputError("Task is not retryable", {
      errors: [{ field: "$.path.id", message: `task ${task.id} is ${task.failed ? "failed and cannot continue safely" : "not failed"}; it is not retryable` }]
    });
  });
  bind(router, "getWebhookTaskStatus", async ({ params, principal }) => toWebhookStatus(await readable(params.id, await principal())));
  return router;
}

// packages/runtime/src/http/createLogger.ts
import pino from "pino";
var REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.password",
  "*.secretAccessKey",
  "*.sessionToken",
  "*.token",
  "*.privateKey",
  "*.aws_secret_key",
  "*.aws_access_key"
];
function createLogger(options = {}) {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: "outrigger" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime
    },
    options.destination
  );
}

// packages/runtime/src/http/createMetrics.ts
import { Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
function createMetrics(options = {}) {
  const prefix = options.prefix ?? "outrigger_";
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  const httpDuration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: "HTTP request duration by operationId",
    labelNames: ["operationId", "method", "status"],
    buckets: [1e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry]
  });
  return {
    registry,
    httpDuration,
    trackTasks(count) {
      new Gauge({
        name: `${prefix}tasks`,
        help: "Tasks in the store by state",
        labelNames: ["state"],
        registers: [registry],
        async collect() {
          const counts = await count();
          for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
        }
      });
    }
  };
}

// packages/runtime/src/artifacts/createArtifactFetcher.ts
import { lookup as dnsLookup } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
var REFUSED_V4 = [
  ["0.0.0.0", 8],
  // "this network"
  ["10.0.0.0", 8],
  // private
  ["100.64.0.0", 10],
  // carrier-grade NAT
  ["127.0.0.0", 8],
  // loopback
  ["169.254.0.0", 16],
  // link-local (cloud metadata: 169.254.169.254)
  ["172.16.0.0", 12],
  // private
  ["192.0.0.0", 24],
  // IETF protocol assignments
  ["192.168.0.0", 16],
  // private
  ["198.18.0.0", 15],
  // benchmarking
  ["224.0.0.0", 4],
  // multicast
  ["240.0.0.0", 4]
  // reserved, broadcast
];
var REFUSED_V6 = [
  ["::", 128],
  // unspecified
  ["::1", 128],
  // loopback
  ["64:ff9b::", 96],
  // NAT64: reaches IPv4 addresses
  ["100::", 64],
  // discard
  ["fc00::", 7],
  // unique-local (fd00:ec2::254 is EC2's IPv6 metadata)
  ["fe80::", 10],
  // link-local
  ["ff00::", 8]
  // multicast
];
var refused = new BlockList();
for (const [net, prefix] of REFUSED_V4) refused.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of REFUSED_V6) refused.addSubnet(net, prefix, "ipv6");
function unmapped(address) {
  const v = isIP(address);
  if (v === 4) return { address, family: "ipv4" };
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(address.replace(/^\[|\]$/g, ""));
  if (m) {
    const tail = m[1];
    if (isIP(tail) === 4) return { address: tail, family: "ipv4" };
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
    if (hex) {
      const hi = parseInt(hex[1], 16);
      const lo = parseInt(hex[2], 16);
      return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: "ipv4" };
    }
  }
  return { address: address.replace(/^\[|\]$/g, ""), family: "ipv6" };
}
function createHostPolicy(allowedHosts) {
  const names = /* @__PURE__ */ new Set();
  const suffixes = [];
  const allowed = new BlockList();
  for (const raw of allowedHosts) {
    const entry = raw.trim().toLowerCase();
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr && isIP(cidr[1])) {
      const u = unmapped(cidr[1]);
      allowed.addSubnet(u.address, Number(cidr[2]), u.family);
    } else if (isIP(entry.replace(/^\[|\]$/g, ""))) {
      const u = unmapped(entry);
      allowed.addAddress(u.address, u.family);
    } else if (entry.startsWith("*.")) suffixes.push(entry.slice(1));
    else names.add(entry);
  }
  return {
    allowsName: (hostname) => {
      const h = hostname.toLowerCase().replace(/\.$/, "");
      return names.has(h) || suffixes.some((s) => h.endsWith(s));
    },
    allowsAddress: (address) => {
      const u = unmapped(address);
      return allowed.check(u.address, u.family) || !refused.check(u.address, u.family);
    }
  };
}
function allowedHostsProblems(allowedHosts) {
  const out = [];
  allowedHosts.forEach((raw, index) => {
    const e = raw.trim();
    const cidr = /^(.+)\/(\d{1,3})$/.exec(e);
    if (cidr) {
      const v = isIP(cidr[1]);
      if (!v || Number(cidr[2]) > (v === 4 ? 32 : 128)) out.push({ index, message: `"${raw}" is not a CIDR (address/prefix)` });
    } else if (!isIP(e.replace(/^\[|\]$/g, "")) && !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(e)) {
      out.push({ index, message: `"${raw}" is not a host name, IP address or CIDR` });
    }
  });
  return out;
}
function hideUrlSecrets(url2) {
  try {
    const u = new URL(url2);
    u.username = "";
    u.password = "";
    u.search = "";
    u.hash = "";
    return u.href;
  } catch {
    return "(invalid URL)";
  }
}
var Refused = class extends Error {
};
function createArtifactFetcher(deps) {
  const policy = createHostPolicy(deps.allowedHosts);
  const resolve2 = deps.lookup ?? dnsLookup;
  const maxRedirects = deps.maxRedirects ?? 5;
  const guardedLookup = (nameAllowed) => ((hostname, options, callback) => {
    resolve2(hostname, { all: true, ...options.family ? { family: options.family } : {} }, (err, addresses) => {
      if (err) return callback(err);
      const bad = nameAllowed ? void 0 : addresses.find((a) => !policy.allowsAddress(a.address));
      if (bad) return callback(new Refused(`${hostname} resolves to ${bad.address}, which artifacts.allowedHosts does not list`));
      if (!addresses.length) return callback(new Error(`${hostname} has no address`));
      if (options.all) return callback(null, addresses);
      return callback(null, addresses[0].address, addresses[0].family);
    });
  });
  const once = (url2, headers, maxBytes, signal) => new Promise((resolveP, reject) => {
    const host = url2.hostname.replace(/^\[|\]$/g, "");
    const nameAllowed = policy.allowsName(host);
    if (isIP(host) && !nameAllowed && !policy.allowsAddress(host)) return reject(new Refused(`${host} is an address artifacts.allowedHosts does not list`));
    const mod = url2.protocol === "https:" ? https : http;
    const req = mod.request(url2, { method: "GET", headers, signal, lookup: guardedLookup(nameAllowed), agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        return resolveP({ status, headers: res.headers });
      }
      const declared = Number(res.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        return resolveP({ status, headers: res.headers, tooBig: declared });
      }
      const chunks = [];
      let total = 0;
      res.on("data", (c2) => {
        total += c2.length;
        if (total > maxBytes) {
          res.destroy();
          resolveP({ status, headers: res.headers, tooBig: true });
          return;
        }
        chunks.push(c2);
      });
      res.on("end", () => resolveP({ status, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
  return async (rawUrl, options) => {
    const field = options.field ?? "$.body.artifact";
    const fail = (reason, cause) => {
      deps.logger?.warn({ url: hideUrlSecrets(rawUrl), reason }, "artifact fetch failed");
      throw new InputError(
        `The artifact at ${hideUrlSecrets(rawUrl)} could not be fetched: the address is not allowed (artifacts.allowedHosts), it did not answer, or it answered with an error. The server log has the reason.`,
        { errors: [{ field, message: "could not be fetched" }], ...cause ? { cause } : {} }
      );
    };
    const signal = AbortSignal.timeout(options.timeoutMs);
    let url2;
    try {
      url2 = new URL(rawUrl);
    } catch (err) {
      return fail("not a URL", err);
    }
    let headers = { ...options.headers };
    for (let hop = 0; ; hop++) {
      if (url2.protocol !== "http:" && url2.protocol !== "https:") return fail(`scheme ${url2.protocol} is not http or https`);
      let r;
      try {
        r = await once(url2, headers, options.maxBytes, signal);
      } catch (err) {
        const e = err;
        return fail(e.name === "TimeoutError" || e.name === "AbortError" ? `timed out after ${options.timeoutMs} ms` : e.message, err);
      }
      if (r.tooBig !== void 0) {
        throw new InputError(
          `The artifact at ${hideUrlSecrets(rawUrl)} is larger than ${options.maxBytes} bytes${typeof r.tooBig === "number" ? ` (${r.tooBig})` : ""}.`,
          { errors: [{ field, message: "too large" }] }
        );
      }
      if (r.status >= 300 && r.status < 400 && r.headers.location) {
        if (options.followRedirects === false) return fail(`redirect (${r.status}) refused: redirects are not followed here`);
        if (hop >= maxRedirects) return fail(`more than ${maxRedirects} redirects`);
        const next = new URL(r.headers.location, url2);
        if (next.origin !== url2.origin) {
          headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^(authorization|cookie|proxy-authorization)$/i.test(k)));
        }
        url2 = next;
        continue;
      }
      if (!r.body) return fail(`answered HTTP ${r.status}`);
      return { status: r.status, headers: r.headers, body: r.body, url: url2.href };
    }
  };
}

// packages/runtime/src/store/openSqlite.ts
import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { createRequire as createRequire2 } from "node:module";
import path2 from "node:path";
var require2 = createRequire2(import.meta.url);
var sqliteModule;
function loadSqlite() {
  if (sqliteModule) return sqliteModule;
  const emitWarning = process.emitWarning;
  process.emitWarning = function(warning, ...rest) {
    const text = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
    if ((type === "ExperimentalWarning" || warning.name === "ExperimentalWarning") && /sqlite/i.test(text)) return;
    return emitWarning.call(process, warning, ...rest);
  };
  try {
    sqliteModule = require2("node:sqlite");
  } finally {
    process.emitWarning = emitWarning;
  }
  return sqliteModule;
}
function openSqlite(file) {
  if (file !== ":memory:") {
    mkdirSync(path2.dirname(path2.resolve(file)), { recursive: true, mode: 448 });
    closeSync(openSync(file, "a", 384));
    chmodSync(file, 384);
  }
  const { DatabaseSync } = loadSqlite();
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}
var depth = /* @__PURE__ */ new WeakMap();
function transaction(db, fn) {
  const level = depth.get(db) ?? 0;
  const savepoint = `outrigger_tx_${level}`;
  db.exec(level === 0 ? "BEGIN IMMEDIATE" : `SAVEPOINT ${savepoint}`);
  depth.set(db, level + 1);
  let result;
  try {
    result = fn();
    if (result instanceof Promise) throw new TypeError("transaction(): the function must be synchronous");
  } catch (err) {
    depth.set(db, level);
    db.exec(level === 0 ? "ROLLBACK" : `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
    throw err;
  }
  depth.set(db, level);
  db.exec(level === 0 ? "COMMIT" : `RELEASE ${savepoint}`);
  return result;
}

// packages/runtime/src/store/postgres/openPostgres.ts
import pg from "pg";
var SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
var types = {
  getTypeParser(oid, format) {
    if (oid === 20 || oid === 1700) return (v) => Number(v);
    return pg.types.getTypeParser(oid, format);
  }
};
function openPostgres(options) {
  const schema = options.schema ?? "public";
  if (!SCHEMA_NAME.test(schema)) throw new Error(`storage.schema: "${schema}" is not a plain lower-case PostgreSQL identifier`);
  const pool = new pg.Pool({
    connectionString: options.url,
    ...options.password !== void 0 ? { password: options.password } : {},
    max: options.max ?? 10,
    application_name: options.applicationName ?? "outrigger",
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 1e4,
    idleTimeoutMillis: 3e4,
    types
  });
  pool.on("error", () => {
  });
  const run = (c2) => async (sql, params) => (await c2.query(sql, params)).rows;
  const db = {
    schema,
    pool,
    query: run(pool),
    async tx(fn) {
      const client2 = await pool.connect();
      try {
        await client2.query("BEGIN");
        const out = await fn({ query: run(client2) });
        await client2.query("COMMIT");
        return out;
      } catch (err) {
        await client2.query("ROLLBACK").catch(() => {
        });
        throw err;
      } finally {
        client2.release();
      }
    },
    async migrate(component, migrations) {
      await db.tx(async (c2) => {
        await c2.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`outrigger-migrate:${schema}`]);
        await c2.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await c2.query(
          `CREATE TABLE IF NOT EXISTS outrigger_migrations (component TEXT NOT NULL, version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (component, version))`
        );
        const done = new Set(
          (await c2.query("SELECT version FROM outrigger_migrations WHERE component = $1", [component])).map((r) => r.version)
        );
        for (const [i, sql] of migrations.entries()) {
          const version = i + 1;
          if (done.has(version)) continue;
          await c2.query(sql);
          await c2.query("INSERT INTO outrigger_migrations (component, version) VALUES ($1, $2)", [component, version]);
        }
      });
    },
    async close() {
      await pool.end();
    }
  };
  return db;
}

// packages/runtime/src/tasks/PostgresTaskStore.ts
var TASK_MIGRATIONS = [
  `CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     owner_id TEXT NOT NULL,
     request_id TEXT,
     operation TEXT NOT NULL,
     account TEXT,
     user_name TEXT,
     start_ms BIGINT NOT NULL,
     end_ms BIGINT,
     heartbeat_ms BIGINT NOT NULL,
     phase TEXT NOT NULL,
     status TEXT NOT NULL,
     completed BOOLEAN NOT NULL DEFAULT false,
     failed BOOLEAN NOT NULL DEFAULT false,
     retryable BOOLEAN NOT NULL DEFAULT false,
     canceled BOOLEAN NOT NULL DEFAULT false,
     history JSONB NOT NULL DEFAULT '[]',
     result_objects JSONB NOT NULL DEFAULT '[]'
   );
   CREATE UNIQUE INDEX tasks_live_request ON tasks (request_id) WHERE request_id IS NOT NULL AND NOT (failed AND retryable);
   CREATE INDEX tasks_open ON tasks (owner_id, heartbeat_ms) WHERE NOT completed;
   CREATE INDEX tasks_start ON tasks (start_ms DESC);`,
  // Version 2: what the operation was asked to do, and its step journal, for `POST /task/{id}:resume`.
  `ALTER TABLE tasks ADD COLUMN input JSONB;
   ALTER TABLE tasks ADD COLUMN steps JSONB NOT NULL DEFAULT '[]';`
];
var toRecord = (r) => ({
  id: r.id,
  ownerId: r.owner_id,
  ...r.request_id ? { requestId: r.request_id } : {},
  operation: r.operation,
  ...r.account ? { account: r.account } : {},
  ...r.user_name ? { user: r.user_name } : {},
  startTimeMs: r.start_ms,
  ...r.end_ms !== null ? { endTimeMs: r.end_ms } : {},
  heartbeatMs: r.heartbeat_ms,
  phase: r.phase,
  status: r.status,
  completed: r.completed,
  failed: r.failed,
  retryable: r.retryable,
  canceled: r.canceled,
  history: r.history,
  resultObjects: r.result_objects,
  // The step journal and the input (read by `POST /task/{id}:resume`).
  steps: r.steps,
  ...r.input ? { input: r.input } : {}
});
var line = (phase, status, now) => JSON.stringify([{ phase, status, timestamp: now }]);
var PostgresTaskStore = class _PostgresTaskStore {
  constructor(db) {
    this.db = db;
  }
  db;
  /** Runs the task tables' migrations, then returns the store. */
  static async open(db) {
    await db.migrate("tasks", TASK_MIGRATIONS);
    return new _PostgresTaskStore(db);
  }
  async create(input, now) {
    for (; ; ) {
      const inserted = await this.db.query(
        `INSERT INTO tasks (id, owner_id, request_id, operation, account, user_name, start_ms, heartbeat_ms, phase, status, history, input)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10::jsonb, $11::jsonb)
         ON CONFLICT (request_id) WHERE request_id IS NOT NULL AND NOT (failed AND retryable) DO NOTHING
         RETURNING *`,
        [input.id, input.ownerId, input.requestId ?? null, input.operation, input.account ?? null, input.user ?? null, now, input.phase, input.status, line(input.phase, input.status, now), inputOf(input)]
      );
      if (inserted[0]) return { task: toRecord(inserted[0]), created: true };
      const [existing] = await this.db.query(
        "SELECT * FROM tasks WHERE request_id = $1 AND NOT (failed AND retryable) ORDER BY start_ms DESC LIMIT 1",
        [input.requestId]
      );
      if (existing) return { task: toRecord(existing), created: false };
    }
  }
  async get(id) {
    const [r] = await this.db.query("SELECT * FROM tasks WHERE id = $1", [id]);
    return r && toRecord(r);
  }
  async list(options) {
    const rows = options.accounts ? await this.db.query("SELECT * FROM tasks WHERE account IS NULL OR account = ANY($1::text[]) ORDER BY start_ms DESC LIMIT $2", [
      [...options.accounts],
      options.limit
    ]) : await this.db.query("SELECT * FROM tasks ORDER BY start_ms DESC LIMIT $1", [options.limit]);
    return rows.map(toRecord);
  }
  async appendHistory(id, phase, status, now) {
    await this.db.query("UPDATE tasks SET phase = $2, status = $3, heartbeat_ms = $4, history = history || $5::jsonb WHERE id = $1", [
      id,
      phase,
      status,
      now,
      line(phase, status, now)
    ]);
  }
  async addResultObjects(id, objects) {
    await this.db.query("UPDATE tasks SET result_objects = result_objects || $2::jsonb WHERE id = $1", [id, JSON.stringify(objects)]);
  }
  async finish(id, f, now) {
    await finishOn(this.db, id, f, now);
  }
  async heartbeat(ownerId, now) {
    await this.db.query("UPDATE tasks SET heartbeat_ms = $2 WHERE owner_id = $1 AND NOT completed", [ownerId, now]);
  }
  async failOrphans(o) {
    return this.db.tx(async (c2) => {
      const rows = await c2.query(
        "SELECT * FROM tasks WHERE NOT completed AND owner_id <> $1 AND heartbeat_ms < $2 ORDER BY start_ms FOR UPDATE SKIP LOCKED",
        [o.exceptOwnerId, o.staleBeforeMs]
      );
      const out = [];
      for (const r of rows) {
        const t = toRecord(r);
        const [done] = await finishOn(c2, t.id, orphanFinish(t, o.message(t), o.retryable?.(t) ?? true), o.now);
        if (done) out.push(toRecord(done));
      }
      return out;
    });
  }
  /** Appends a step to the task's journal (what took effect, so a resumed run goes on from it). */
  async recordStep(id, name, effect, now) {
    await this.db.query("UPDATE tasks SET steps = steps || $2::jsonb WHERE id = $1", [id, JSON.stringify([{ name, effect, timestamp: now }])]);
  }
  /**
   * Reopens a failed, retryable task under `ownerId` (for `POST /task/{id}:resume`). One UPDATE decides: of several
   * replicas asking at once, exactly one gets the task back. A newer live task holding the same clientRequestId
   * makes the reopen impossible (undefined), as the request id may name one live task only.
   */
  async reopen(id, ownerId, l, now) {
    try {
      const [r] = await this.db.query(
        `UPDATE tasks SET owner_id = $2, completed = false, failed = false, retryable = false, canceled = false, end_ms = NULL, heartbeat_ms = $3,
           phase = $4, status = $5, history = history || $6::jsonb,
           result_objects = COALESCE((SELECT jsonb_agg(o) FROM jsonb_array_elements(result_objects) o WHERE o->>'type' IS DISTINCT FROM 'EXCEPTION'), '[]'::jsonb)
         WHERE id = $1 AND completed AND failed AND retryable RETURNING *`,
        [id, ownerId, now, l.phase, l.status, line(l.phase, l.status, now)]
      );
      return r && toRecord(r);
    } catch (err) {
      if (err.code === "23505") return void 0;
      throw err;
    }
  }
  async takeOverOrphans(o) {
    return this.db.tx(async (c2) => {
      const rows = await c2.query(
        "SELECT * FROM tasks WHERE NOT completed AND owner_id <> $1 AND heartbeat_ms < $2 ORDER BY start_ms FOR UPDATE SKIP LOCKED",
        [o.ownerId, o.staleBeforeMs]
      );
      const out = [];
      for (const r of rows) {
        const t = toRecord(r);
        if (!o.accept(t)) continue;
        const l = o.line(t);
        const [next] = await c2.query(
          "UPDATE tasks SET owner_id = $2, heartbeat_ms = $3, phase = $4, status = $5, history = history || $6::jsonb WHERE id = $1 AND NOT completed RETURNING *",
          [t.id, o.ownerId, o.now, l.phase, l.status, line(l.phase, l.status, o.now)]
        );
        if (next) out.push(toRecord(next));
      }
      return out;
    });
  }
  async countByState() {
    const counts = { running: 0, succeeded: 0, failed: 0, canceled: 0 };
    const rows = await this.db.query(
      "SELECT completed, failed, canceled, COUNT(*)::bigint AS n FROM tasks GROUP BY completed, failed, canceled"
    );
    for (const r of rows) counts[stateOf(r)] += r.n;
    return counts;
  }
  async close() {
  }
};
var inputOf = (t) => {
  const input = t.input;
  return input ? JSON.stringify(input) : null;
};
function finishOn(c2, id, f, now) {
  return c2.query(
    `UPDATE tasks SET phase = $2, status = $3, completed = true, failed = $4, retryable = $5, canceled = $6, end_ms = $7, heartbeat_ms = $7,
       result_objects = result_objects || $8::jsonb, history = history || $9::jsonb
     WHERE id = $1 AND NOT completed RETURNING *`,
    [id, f.phase, f.status, f.failed, f.retryable, f.canceled ?? false, now, JSON.stringify(f.resultObjects ?? []), line(f.phase, f.status, now)]
  );
}

// packages/runtime/src/tasks/createTaskRunner.ts
import { randomUUID as randomUUID2 } from "node:crypto";
function createTaskRunner(deps) {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const ownerId = deps.ownerId ?? `${randomUUID2()}@${process.env.HOSTNAME ?? "outrigger"}`;
  const inflight = /* @__PURE__ */ new Map();
  const abort = new AbortController();
  const resumers = /* @__PURE__ */ new Map();
  const canResume = (t) => resumers.has(t.operation) && t.input !== void 0;
  async function run(task, work, resumed) {
    const journal = task.steps;
    const ctx = {
      taskId: task.id,
      signal: abort.signal,
      journal,
      resumed,
      updateStatus: (phase, status) => store.appendHistory(task.id, phase, status, now()),
      addResults: (...objects) => store.addResultObjects(task.id, objects),
      async step(name, fn) {
        const done = journal.findLast((s) => s.name === name);
        if (done) {
          await store.appendHistory(task.id, ORCHESTRATION, `Step ${name} already took effect; not repeating it`, now());
          return done.effect;
        }
        const effect = await fn();
        await store.recordStep(task.id, name, effect, now());
        return effect;
      }
    };
    try {
      await store.appendHistory(task.id, ORCHESTRATION, `Processing op: ${task.operation}`, now());
      const result = await work(ctx);
      const resultObjects = result === void 0 ? [] : Array.isArray(result) ? result : [result];
      await store.finish(task.id, { failed: false, retryable: false, phase: ORCHESTRATION, status: "Orchestration completed.", resultObjects }, now());
    } catch (err) {
      const e = err;
      const transient = e.retryable ?? /Throttl|TooManyRequests|ServiceUnavailable|Timeout/.test(e?.name ?? "");
      const retryable = transient && canResume(task);
      const message = e?.message || String(err);
      logger.warn({ taskId: task.id, operation: task.operation, err: { name: e?.name, message } }, "task failed");
      const chain = [];
      for (let c2 = err; c2 && chain.length < 10; c2 = c2.cause) {
        const ce = c2;
        chain.push({ message: ce?.message || String(c2), ...ce?.name ? { exceptionType: ce.name } : {} });
      }
      await store.finish(
        task.id,
        {
          failed: true,
          retryable,
          phase: ORCHESTRATION,
          status: `Orchestration failed: ${task.operation} | ${e?.name ?? "Error"}: [${message}]`,
          resultObjects: [exceptionSummary({ operation: task.operation, message, cause: e?.name ?? "Error", retryable, chain })]
        },
        now()
      );
    }
  }
  function start(task, work, resumed) {
    const p = run(task, work, resumed).finally(() => inflight.delete(task.id));
    inflight.set(task.id, p);
  }
  return {
    ownerId,
    async submit(submission, work) {
      const id = randomUUID2();
      const { task, created } = await store.create(
        { id, ownerId, phase: ORCHESTRATION, status: "Initializing Orchestration Task", ...submission },
        now()
      );
      if (created) start(task, work, false);
      return { task, created };
    },
    resumable(operation, resumer) {
      resumers.set(operation, resumer);
    },
    canResume,
    async resume(id) {
      const existing = await store.get(id);
      if (!existing || !canResume(existing)) return void 0;
      const line2 = `Resuming task after failure (${existing.steps.length} step(s) already took effect)`;
      const task = await store.reopen(id, ownerId, { phase: ORCHESTRATION, status: line2 }, now());
      if (!task) return void 0;
      logger.info({ taskId: id, operation: task.operation, steps: task.steps.map((s) => s.name) }, "resuming task");
      start(task, resumers.get(task.operation)(task.input, task), true);
      return task;
    },
    async adoptOrphans(staleBeforeMs) {
      if (!store.takeOverOrphans) return [];
      const adopted = await store.takeOverOrphans({
        ownerId,
        staleBeforeMs,
        now: now(),
        accept: canResume,
        line: (t) => ({
          phase: ORCHESTRATION,
          status: `Resuming task on another replica: ${t.ownerId} stopped answering (${t.steps.length} step(s) already took effect)`
        })
      });
      for (const task of adopted) {
        logger.warn({ taskId: task.id, operation: task.operation, steps: task.steps.map((s) => s.name) }, "adopted a task of a replica that stopped answering");
        start(task, resumers.get(task.operation)(task.input, task), true);
      }
      return adopted;
    },
    running: () => inflight.size,
    async drain(timeoutMs) {
      if (!inflight.size) return;
      let timer;
      await Promise.race([
        Promise.allSettled([...inflight.values()]),
        new Promise((r) => timer = setTimeout(r, timeoutMs))
      ]);
      clearTimeout(timer);
      abort.abort();
      for (const id of inflight.keys()) {
        const t = await store.get(id);
        if (!t || t.completed) continue;
        const retryable = canResume(t);
        const message = retryable ? "outrigger was shut down while this task was running; it will continue from its last recorded step when resumed." : "outrigger was shut down while this task was running; it may be partly applied. Check the resource, then re-run the stage.";
        await store.finish(
          id,
          {
            failed: true,
            retryable,
            phase: ORCHESTRATION,
            status: `Orchestration failed: ${t.operation} | Exc: [${message}]`,
            resultObjects: [exceptionSummary({ operation: t.operation, message, cause: "Shutdown", retryable })]
          },
          now()
        );
      }
    }
  };
}

// packages/runtime/src/tasks/InMemoryTaskStore.ts
var InMemoryTaskStore = class {
  tasks = /* @__PURE__ */ new Map();
  async create(input, now) {
    if (input.requestId) {
      const existing = [...this.tasks.values()].filter((t) => t.requestId === input.requestId).sort((a, b) => b.startTimeMs - a.startTimeMs)[0];
      if (existing && !(existing.failed && existing.retryable)) return { task: structuredClone(existing), created: false };
    }
    const task = {
      ...input,
      startTimeMs: now,
      heartbeatMs: now,
      completed: false,
      failed: false,
      retryable: false,
      canceled: false,
      history: [{ phase: input.phase, status: input.status, timestamp: now }],
      resultObjects: [],
      steps: []
    };
    this.tasks.set(task.id, task);
    return { task: structuredClone(task), created: true };
  }
  async get(id) {
    const t = this.tasks.get(id);
    return t && structuredClone(t);
  }
  async list(options) {
    const allowed = options.accounts && new Set(options.accounts);
    return [...this.tasks.values()].filter((t) => !allowed || !t.account || allowed.has(t.account)).sort((a, b) => b.startTimeMs - a.startTimeMs).slice(0, options.limit).map((t) => structuredClone(t));
  }
  async appendHistory(id, phase, status, now) {
    const t = this.tasks.get(id);
    if (!t) return;
    t.history.push({ phase, status, timestamp: now });
    t.phase = phase;
    t.status = status;
    t.heartbeatMs = now;
  }
  async addResultObjects(id, objects) {
    this.tasks.get(id)?.resultObjects.push(...structuredClone(objects));
  }
  async finish(id, f, now) {
    const t = this.tasks.get(id);
    if (!t || t.completed) return;
    if (f.resultObjects) t.resultObjects.push(...structuredClone(f.resultObjects));
    t.history.push({ phase: f.phase, status: f.status, timestamp: now });
    Object.assign(t, { phase: f.phase, status: f.status, completed: true, failed: f.failed, retryable: f.retryable, canceled: f.canceled ?? false, endTimeMs: now, heartbeatMs: now });
  }
  async heartbeat(ownerId, now) {
    for (const t of this.tasks.values()) if (t.ownerId === ownerId && !t.completed) t.heartbeatMs = now;
  }
  async failOrphans(o) {
    const out = [];
    for (const t of this.tasks.values()) {
      if (t.completed || t.ownerId === o.exceptOwnerId || t.heartbeatMs >= o.staleBeforeMs) continue;
      await this.finish(t.id, orphanFinish(t, o.message(t), o.retryable?.(t) ?? true), o.now);
      out.push(structuredClone(t));
    }
    return out;
  }
  async recordStep(id, name, effect, now) {
    this.tasks.get(id)?.steps.push({ name, effect: structuredClone(effect), timestamp: now });
  }
  async reopen(id, ownerId, line2, now) {
    const t = this.tasks.get(id);
    if (!t || !t.completed || !t.failed || !t.retryable) return void 0;
    Object.assign(t, { ownerId, completed: false, failed: false, retryable: false, canceled: false, heartbeatMs: now, phase: line2.phase, status: line2.status });
    delete t.endTimeMs;
    t.resultObjects = t.resultObjects.filter((r) => r.type !== "EXCEPTION");
    t.history.push({ ...line2, timestamp: now });
    return structuredClone(t);
  }
  async countByState() {
    const counts = { running: 0, succeeded: 0, failed: 0, canceled: 0 };
    for (const t of this.tasks.values()) counts[stateOf(t)]++;
    return counts;
  }
  async close() {
  }
};

// packages/runtime/src/tasks/SqliteTaskStore.ts
var SqliteTaskStore = class {
  constructor(db) {
    this.db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS tasks (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL,
        request_id TEXT,
        operation TEXT NOT NULL,
        account TEXT,
        user_name TEXT,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER,
        heartbeat_ms INTEGER NOT NULL,
        phase TEXT NOT NULL,
        status TEXT NOT NULL,
        completed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        retryable INTEGER NOT NULL DEFAULT 0,
        canceled INTEGER NOT NULL DEFAULT 0,
        result_objects TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX IF NOT EXISTS tasks_request ON tasks(request_id) WHERE request_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS tasks_open ON tasks(completed, owner_id);
      CREATE INDEX IF NOT EXISTS tasks_start ON tasks(start_ms DESC);
      CREATE TABLE IF NOT EXISTS task_history (
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        phase TEXT NOT NULL,
        status TEXT NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (task_id, seq)
      );
      CREATE TABLE IF NOT EXISTS task_steps (
        task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        name TEXT NOT NULL,
        effect TEXT NOT NULL,
        ts INTEGER NOT NULL,
        PRIMARY KEY (task_id, seq)
      );
    `);
    const columns = db.prepare("PRAGMA table_info(tasks)").all();
    if (!columns.some((c2) => c2.name === "input")) db.exec("ALTER TABLE tasks ADD COLUMN input TEXT");
  }
  db;
  steps(id) {
    return this.db.prepare("SELECT name, effect, ts FROM task_steps WHERE task_id = ? ORDER BY seq").all(id).map((s) => ({ name: s.name, effect: JSON.parse(s.effect), timestamp: s.ts }));
  }
  history(id) {
    return this.db.prepare("SELECT phase, status, ts FROM task_history WHERE task_id = ? ORDER BY seq").all(id).map((h) => ({ phase: h.phase, status: h.status, timestamp: h.ts }));
  }
  toRecord(r) {
    return {
      id: r.id,
      ownerId: r.owner_id,
      ...r.request_id ? { requestId: r.request_id } : {},
      operation: r.operation,
      ...r.account ? { account: r.account } : {},
      ...r.user_name ? { user: r.user_name } : {},
      startTimeMs: r.start_ms,
      ...r.end_ms !== null ? { endTimeMs: r.end_ms } : {},
      heartbeatMs: r.heartbeat_ms,
      phase: r.phase,
      status: r.status,
      completed: r.completed === 1,
      failed: r.failed === 1,
      retryable: r.retryable === 1,
      canceled: r.canceled === 1,
      history: this.history(r.id),
      resultObjects: JSON.parse(r.result_objects),
      steps: this.steps(r.id),
      ...r.input ? { input: JSON.parse(r.input) } : {}
    };
  }
  row(id) {
    return this.db.prepare("SELECT * FROM tasks WHERE id = ?").get(id);
  }
  appendLine(id, phase, status, now) {
    this.db.prepare("INSERT INTO task_history (task_id, seq, phase, status, ts) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_history WHERE task_id = ?), ?, ?, ?)").run(id, id, phase, status, now);
  }
  async create(input, now) {
    return transaction(this.db, () => {
      if (input.requestId) {
        const existing = this.db.prepare("SELECT * FROM tasks WHERE request_id = ? ORDER BY start_ms DESC LIMIT 1").get(input.requestId);
        if (existing && !(existing.failed === 1 && existing.retryable === 1)) return { task: this.toRecord(existing), created: false };
      }
      this.db.prepare(
        "INSERT INTO tasks (id, owner_id, request_id, operation, account, user_name, start_ms, heartbeat_ms, phase, status, input) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      ).run(
        input.id,
        input.ownerId,
        input.requestId ?? null,
        input.operation,
        input.account ?? null,
        input.user ?? null,
        now,
        now,
        input.phase,
        input.status,
        input.input ? JSON.stringify(input.input) : null
      );
      this.appendLine(input.id, input.phase, input.status, now);
      return { task: this.toRecord(this.row(input.id)), created: true };
    });
  }
  async get(id) {
    const r = this.row(id);
    return r && this.toRecord(r);
  }
  async list(options) {
    const rows = options.accounts ? this.db.prepare(
      `SELECT * FROM tasks WHERE account IS NULL OR account IN (${options.accounts.map(() => "?").join(",") || "''"}) ORDER BY start_ms DESC LIMIT ?`
    ).all(...options.accounts, options.limit) : this.db.prepare("SELECT * FROM tasks ORDER BY start_ms DESC LIMIT ?").all(options.limit);
    return rows.map((r) => this.toRecord(r));
  }
  async appendHistory(id, phase, status, now) {
    transaction(this.db, () => {
      const changed = this.db.prepare("UPDATE tasks SET phase = ?, status = ?, heartbeat_ms = ? WHERE id = ?").run(phase, status, now, id).changes;
      if (changed) this.appendLine(id, phase, status, now);
    });
  }
  async addResultObjects(id, objects) {
    transaction(this.db, () => {
      const r = this.row(id);
      if (!r) return;
      const merged = [...JSON.parse(r.result_objects), ...objects];
      this.db.prepare("UPDATE tasks SET result_objects = ? WHERE id = ?").run(JSON.stringify(merged), id);
    });
  }
  async finish(id, f, now) {
    transaction(this.db, () => {
      const r = this.row(id);
      if (!r || r.completed) return;
      const results = f.resultObjects ? [...JSON.parse(r.result_objects), ...f.resultObjects] : JSON.parse(r.result_objects);
      this.db.prepare(
        "UPDATE tasks SET phase = ?, status = ?, completed = 1, failed = ?, retryable = ?, canceled = ?, end_ms = ?, heartbeat_ms = ?, result_objects = ? WHERE id = ?"
      ).run(f.phase, f.status, f.failed ? 1 : 0, f.retryable ? 1 : 0, f.canceled ? 1 : 0, now, now, JSON.stringify(results), id);
      this.appendLine(id, f.phase, f.status, now);
    });
  }
  async heartbeat(ownerId, now) {
    this.db.prepare("UPDATE tasks SET heartbeat_ms = ? WHERE owner_id = ? AND completed = 0").run(now, ownerId);
  }
  async failOrphans(o) {
    const rows = this.db.prepare("SELECT * FROM tasks WHERE completed = 0 AND owner_id != ? AND heartbeat_ms < ?").all(o.exceptOwnerId, o.staleBeforeMs);
    const out = [];
    for (const r of rows) {
      const t = this.toRecord(r);
      await this.finish(t.id, orphanFinish(t, o.message(t), o.retryable?.(t) ?? true), o.now);
      out.push(await this.get(t.id));
    }
    return out;
  }
  async recordStep(id, name, effect, now) {
    this.db.prepare(
      "INSERT INTO task_steps (task_id, seq, name, effect, ts) SELECT id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM task_steps WHERE task_id = ?), ?, ?, ? FROM tasks WHERE id = ?"
    ).run(id, name, JSON.stringify(effect), now, id);
  }
  async reopen(id, ownerId, line2, now) {
    const won = this.db.prepare(
      "UPDATE tasks SET owner_id = ?, completed = 0, failed = 0, retryable = 0, canceled = 0, end_ms = NULL, heartbeat_ms = ?, phase = ?, status = ? WHERE id = ? AND completed = 1 AND failed = 1 AND retryable = 1"
    ).run(ownerId, now, line2.phase, line2.status, id).changes;
    if (!won) return void 0;
    const r = this.row(id);
    const kept = JSON.parse(r.result_objects).filter((o) => o.type !== "EXCEPTION");
    this.db.prepare("UPDATE tasks SET result_objects = ? WHERE id = ?").run(JSON.stringify(kept), id);
    this.appendLine(id, line2.phase, line2.status, now);
    return this.toRecord(this.row(id));
  }
  async countByState() {
    const counts = { running: 0, succeeded: 0, failed: 0, canceled: 0 };
    const rows = this.db.prepare(
      "SELECT completed, failed, canceled, COUNT(*) AS n FROM tasks GROUP BY completed, failed, canceled"
    ).all();
    for (const r of rows) counts[stateOf({ completed: r.completed === 1, failed: r.failed === 1, canceled: r.canceled === 1 })] += r.n;
    return counts;
  }
  async close() {
  }
};

// packages/runtime/src/compose/composeApp.ts
async function composeApp(options) {
  const { config: config2 } = options;
  const logger = options.logger ?? createLogger({ level: config2.logging.level });
  const metrics = createMetrics();
  const dataDir = path3.resolve(config2.dataDir);
  let database;
  let postgres;
  let taskStore;
  const heartbeatMs = config2.storage.heartbeatSeconds * 1e3;
  if (config2.storage.type === "sqlite") {
    database = openSqlite(config2.storage.path ?? path3.join(dataDir, "outrigger.db"));
    taskStore = new SqliteTaskStore(database);
  } else if (config2.storage.type === "postgres") {
    postgres = openPostgres({
      url: config2.storage.url,
      ...config2.storage.password !== void 0 ? { password: config2.storage.password } : {},
      schema: config2.storage.schema,
      max: config2.storage.poolSize
    });
    try {
      taskStore = await PostgresTaskStore.open(postgres);
    } catch (err) {
      await postgres.close().catch(() => {
      });
      throw err;
    }
  } else {
    taskStore = new InMemoryTaskStore();
  }
  metrics.trackTasks(() => taskStore.countByState());
  const tasks = createTaskRunner({ store: taskStore, logger, ...options.ownerId ? { ownerId: options.ownerId } : {} });
  const authorizer = createAuthorizer({ config: config2 });
  const aws2 = options.aws ?? createAwsClientFactory({ config: config2 });
  const bind = createOperationBinder({ authorizer, logger, bodyLimit: config2.server.bodyLimit, validateResponses: options.validateResponses ?? false });
  let baseUrl = config2.server.baseUrl ?? `http://localhost:${config2.server.port}`;
  const deps = {
    config: config2,
    configSource: options.configSource ?? "(defaults)",
    logger,
    metrics,
    authorizer,
    aws: aws2,
    tasks,
    taskStore,
    bind,
    fetchArtifact: options.fetchArtifact ?? createArtifactFetcher({ allowedHosts: config2.artifacts.allowedHosts, logger }),
    ...database ? { database } : {},
    ...postgres ? { postgres } : {},
    heartbeatMs,
    dataDir,
    baseUrl: () => baseUrl
  };
  const providers = [];
  for (const factory of options.providers) providers.push(await factory(deps));
  const checks = {
    taskStore: async () => {
      await taskStore.countByState();
      return { status: "UP", details: { type: config2.storage.type } };
    }
  };
  for (const p of providers) if (p.health) checks[p.name] = p.health;
  const fallback = options.fallback?.(deps);
  const app = createApp({
    logger,
    metrics,
    openapiDocument: openapi_default,
    routers: [createCoreRouter({ bind, store: taskStore, tasks, authorizer, checks, ...fallback ? { onUnknownTask: fallback } : {} }), ...providers.map((p) => p.router)],
    ...fallback ? { fallback } : {}
  });
  let heartbeat;
  const orphanMessage = (t) => `outrigger stopped while this task was running (owner ${t.ownerId}, last seen ${new Date(t.heartbeatMs).toISOString()}); ` + (tasks.canResume(t) ? `the ${t.operation} operation continues from its last recorded step when resumed (POST /task/${t.id}:resume, which Orca calls by itself).` : `the ${t.operation} operation may be partly applied. Check the resource, then re-run the stage.`);
  const sweepOrphans = async (staleBeforeMs) => {
    if (postgres) await tasks.adoptOrphans(staleBeforeMs);
    const orphans = await taskStore.failOrphans({
      exceptOwnerId: tasks.ownerId,
      staleBeforeMs,
      now: Date.now(),
      message: orphanMessage,
      retryable: (t) => tasks.canResume(t)
    });
    if (orphans.length) logger.warn({ tasks: orphans.map((t) => t.id) }, `marked ${orphans.length} orphaned task(s) failed`);
  };
  return {
    app,
    config: config2,
    logger,
    taskStore,
    tasks,
    providers,
    deps,
    async start(listening) {
      baseUrl = config2.server.baseUrl ?? listening.baseUrl;
      const now = Date.now();
      await sweepOrphans(config2.storage.type === "sqlite" ? now + 1 : now - 3 * heartbeatMs);
      heartbeat = setInterval(() => {
        void taskStore.heartbeat(tasks.ownerId, Date.now()).catch((err) => logger.warn({ err }, "task heartbeat failed"));
        if (postgres) void sweepOrphans(Date.now() - 3 * heartbeatMs).catch((err) => logger.warn({ err }, "orphan sweep failed"));
      }, heartbeatMs);
      heartbeat.unref();
      for (const p of providers) await p.start?.();
    },
    async close() {
      clearInterval(heartbeat);
      await tasks.drain(config2.server.shutdownTimeoutSeconds * 1e3);
      for (const p of [...providers].reverse()) await p.stop?.().catch((err) => logger.warn({ err, provider: p.name }, "provider stop failed"));
      await taskStore.close();
      database?.close();
      await postgres?.close();
    }
  };
}

// packages/runtime/src/aws/mapAwsError.ts
var THROTTLING = /* @__PURE__ */ new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "SlowDown",
  "EC2ThrottledException"
]);
function mapAwsError(err, service) {
  const e = err;
  const name = e?.name ?? "Error";
  const message = `${service}: ${name}: ${e?.message ?? String(err)}`;
  const status = e?.$metadata?.httpStatusCode;
  const withRetry = (x, retryable) => Object.assign(x, { retryable });
  if (name.endsWith("NotFoundException") || name === "NoSuchKey" || name === "NoSuchBucket" || name === "NotFound" || status === 404)
    return withRetry(new NotFoundError(message, { cause: err }), false);
  if (THROTTLING.has(name) || status === 429) return withRetry(new ServiceUnavailableError(message, { cause: err }), true);
  if (name === "AccessDeniedException" || name === "AccessDenied" || name === "UnauthorizedOperation" || status === 403)
    return withRetry(new NotAllowedError(message, { cause: err }), false);
  if (name === "ResourceConflictException" || name === "ResourceInUseException" || status === 409)
    return withRetry(new ConflictError(message, { cause: err }), true);
  if (name.startsWith("InvalidParameter") || name === "ValidationException" || name === "InvalidRequestContentException" || name === "ClientException")
    return withRetry(new InputError(message, { cause: err }), false);
  return withRetry(new UpstreamError(service, message, { cause: err }), status === void 0 || status >= 500);
}

// packages/runtime/src/aws/waitUntil.ts
var WaitTimeoutError = class extends Error {
  name = "WaitTimeoutError";
  retryable = true;
};
var WaitFailedError = class extends Error {
  name = "WaitFailedError";
};
async function waitUntil(what, check, o) {
  const sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const deadline = now() + o.maxWaitMs;
  let delay = o.minDelayMs;
  let last = "";
  for (; ; ) {
    if (o.signal?.aborted) throw new WaitFailedError(`${what}: stopped while waiting`);
    const r = await check();
    if (r.state === "SUCCESS") return r.value;
    if (r.state === "FAILURE") throw new WaitFailedError(`${what}: ${r.reason}`);
    last = r.reason ?? last;
    if (now() + delay > deadline) throw new WaitTimeoutError(`${what}: still not ready after ${Math.round(o.maxWaitMs / 1e3)} s${last ? ` (${last})` : ""}`);
    await sleep(delay);
    delay = Math.min(o.maxDelayMs, delay * 2);
  }
}

// packages/runtime/src/config/configSchema.ts
import { z as z16 } from "zod";
var RegionSchema = z16.union([z16.string().min(1), z16.looseObject({ name: z16.string().min(1) })]).transform((r) => typeof r === "string" ? { name: r } : { name: r.name });
var AccountSchema = z16.looseObject({
  name: z16.string().min(1),
  accountId: z16.union([z16.string(), z16.number()]).transform(String).pipe(z16.string().regex(/^\d{12}$/, "a 12-digit AWS account id")).optional(),
  environment: z16.string().optional(),
  accountType: z16.string().optional(),
  regions: z16.array(RegionSchema).default([]),
  /** `role/spinnakerManaged` (clouddriver's form, completed with accountId) or a full role ARN. */
  assumeRole: z16.string().min(1).optional(),
  externalId: z16.string().min(1).optional(),
  sessionName: z16.string().min(1).optional(),
  lambdaEnabled: z16.boolean().default(false),
  ecsEnabled: z16.boolean().default(true),
  permissions: z16.object({
    READ: z16.array(z16.string()).default([]),
    WRITE: z16.array(z16.string()).default([])
  }).default({ READ: [], WRITE: [] }),
  /** Any AWS-compatible endpoint (LocalStack, MinIO, a proxy): every client of this account uses it. */
  endpoint: z16.url().optional()
});
var ConfigSchema = z16.object({
  server: z16.object({
    port: z16.number().int().min(0).max(65535).default(7011),
    host: z16.string().default("0.0.0.0"),
    /** Largest JSON body accepted. */
    bodyLimit: z16.string().default("1mb"),
    /** Public base URL, for `Location` headers and artifact references; defaults to the listening address. */
    baseUrl: z16.url().optional(),
    shutdownTimeoutSeconds: z16.number().positive().default(25)
  }).default({ port: 7011, host: "0.0.0.0", bodyLimit: "1mb", shutdownTimeoutSeconds: 25 }),
  dataDir: z16.string().default("./.outrigger"),
  storage: z16.object({
    /** `sqlite` (default, one process), `memory` (tests), or `postgres` (several replicas on one database). */
    type: z16.enum(["sqlite", "memory", "postgres"]).default("sqlite"),
    /** SQLite file; defaults to `<dataDir>/outrigger.db`. */
    path: z16.string().optional(),
    /** PostgreSQL connection URL (`postgres://user:${PGPASSWORD}@host:5432/db`), for `type: postgres`. */
    url: z16.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").optional(),
    /** PostgreSQL password, overriding the URL's (write `${VAR}`), so special characters need no escaping. */
    password: z16.string().optional(),
    /** PostgreSQL schema holding outrigger's tables (created at start if missing). */
    schema: z16.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a plain lower-case identifier").default("public"),
    /** Connections per replica. */
    poolSize: z16.number().int().min(2).max(100).default(10),
    /**
     * How often a replica renews its leases (tasks, bakes, pollers). A replica silent for 3 periods is dead: the
     * others adopt its work.
     */
    heartbeatSeconds: z16.number().positive().max(300).default(10)
  }).refine((s) => s.type !== "postgres" || s.url, { message: "url is required when type is postgres", path: ["url"] }).default({ type: "sqlite", schema: "public", poolSize: 10, heartbeatSeconds: 10 }),
  logging: z16.object({ level: z16.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info") }).default({ level: "info" }),
  auth: z16.object({
    fiat: z16.object({
      enabled: z16.boolean().default(false),
      baseUrl: z16.url().optional(),
      cacheSeconds: z16.number().min(0).default(10),
      timeoutMs: z16.number().int().positive().default(5e3)
    }).refine((f) => !f.enabled || f.baseUrl, { message: "baseUrl is required when fiat is enabled", path: ["baseUrl"] }).default({ enabled: false, cacheSeconds: 10, timeoutMs: 5e3 })
  }).default({ fiat: { enabled: false, cacheSeconds: 10, timeoutMs: 5e3 } }),
  aws: z16.looseObject({
    defaultRegions: z16.array(RegionSchema).default([{ name: "us-east-1" }]),
    accounts: z16.array(AccountSchema).default([]),
    client: z16.object({ maxAttempts: z16.number().int().min(1).max(20).default(5) }).default({ maxAttempts: 5 })
  }).default({ defaultRegions: [{ name: "us-east-1" }], accounts: [], client: { maxAttempts: 5 } }).superRefine((aws2, ctx) => {
    const seen = /* @__PURE__ */ new Set();
    aws2.accounts.forEach((a, i) => {
      if (seen.has(a.name)) ctx.addIssue({ code: "custom", path: ["accounts", i, "name"], message: `duplicate account name "${a.name}"` });
      seen.add(a.name);
      if (a.assumeRole && !a.assumeRole.startsWith("arn:") && !a.accountId)
        ctx.addIssue({ code: "custom", path: ["accounts", i, "accountId"], message: "accountId is required when assumeRole is not a full ARN" });
    });
  }),
  /** Outbound artifact fetches (ECS render and operations, Lambda code from `http/file`, GitHub contents). */
  artifacts: z16.object({
    /**
     * Hosts (names, `*.example.com`, IP addresses or CIDRs) an artifact may be fetched from although they resolve to
     * a loopback, link-local, unique-local or private address, which are refused otherwise.
     */
    allowedHosts: z16.array(z16.string().min(1)).default([])
  }).superRefine((a, ctx) => {
    for (const p of allowedHostsProblems(a.allowedHosts)) ctx.addIssue({ code: "custom", path: ["allowedHosts", p.index], message: p.message });
  }).default({ allowedHosts: [] }),
  /** The real clouddriver, when outrigger sits at Orca's `clouddriver.baseUrl` and forwards what it does not own. */
  clouddriver: z16.object({ baseUrl: z16.url().optional() }).default({}),
  /** Provider sections: each provider validates its own with `parseConfigSection`. */
  lambda: z16.record(z16.string(), z16.unknown()).default({}),
  ecs: z16.record(z16.string(), z16.unknown()).default({}),
  bake: z16.record(z16.string(), z16.unknown()).default({})
});

// packages/runtime/src/config/loadConfig.ts
import { readFileSync } from "node:fs";
import path4 from "node:path";
import { parseDocument } from "yaml";
var ConfigError = class extends Error {
  name = "ConfigError";
};
function parseConfigSection(schema, value, where) {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key2 = keyPath([...where.keyPath, ...issue.path]) || "(top level)";
    return `${where.source}: ${key2}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration
  ${lines.join("\n  ")}`);
}
function keyPath(parts) {
  return parts.map((p, i) => typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`).join("");
}

// packages/runtime/src/http/forwardForeignRequests.ts
import express3 from "express";
function forwardForeignRequests(options) {
  const raw = express3.raw({ type: ["application/json", "application/*+json"], limit: options.bodyLimit });
  return (req, res, next) => {
    if (!req.is(["application/json", "application/*+json"])) return next();
    raw(req, res, (err) => {
      if (err) return next(err);
      const buf = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      req.rawBody = buf;
      let parsed;
      try {
        parsed = buf.length ? JSON.parse(buf.toString("utf8")) : void 0;
      } catch {
        return next(new InputError("request body is not valid JSON", { errors: [{ field: "$.body", message: "request body is not valid JSON" }] }));
      }
      req.body = parsed;
      if (options.isForeign(parsed)) return next("router");
      next();
    });
  };
}
function describedAccount(description, prefer = "credentials") {
  if (!description || typeof description !== "object") return void 0;
  const d = description;
  const name = prefer === "credentials" ? d.credentials ?? d.account : d.account ?? d.credentials;
  return typeof name === "string" && name.length > 0 ? name : void 0;
}

// packages/lambda/src/createLambdaProvider.ts
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { LambdaClient as LambdaClient3 } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { Router as Router2 } from "express";

// packages/lambda/src/aws/sendWithRetry.ts
var THROTTLING2 = /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|ServiceUnavailable/;
async function sendWithRetry(client2, command, o, abortSignal) {
  const max = o.maxAttempts ?? 12;
  const base = o.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await client2.send(command, abortSignal ? { abortSignal } : void 0);
    } catch (err) {
      const name = err?.name ?? "";
      const status = err?.$metadata?.httpStatusCode;
      if (!(THROTTLING2.test(name) || status === 429) || attempt >= max) throw err;
      o.onThrottle?.();
      const delay = Math.min(5e3, base * 2 ** (attempt - 1));
      await o.sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
}

// packages/lambda/src/config.ts
import { z as z17 } from "zod";
var LambdaConfigSchema = z17.object({
  /** clouddriver's `aws.lambda.prefixApplicationNameToFunction`: names become `<appName>-<functionName>`. */
  prefixApplicationNameToFunction: z17.boolean().default(true),
  /** clouddriver's `aws.lambda.setMonikerTags`: write `moniker.spinnaker.io/*` tags on create and update. */
  setMonikerTags: z17.boolean().default(true),
  /** Default invoke timeout when the description says `-1` or nothing (clouddriver's `aws.lambda.invokeTimeoutMs`). */
  invokeTimeoutMs: z17.number().int().positive().default(5e4),
  /** How long a write waits for `State: Active` and `LastUpdateStatus: Successful` between steps. */
  stabilizeTimeoutSeconds: z17.number().int().positive().default(300),
  /** Largest artifact outrigger downloads to upload as a zip (Lambda's direct-upload limit is 50 MB). */
  maxArtifactBytes: z17.number().int().positive().default(50 * 1024 * 1024),
  inventory: z17.object({
    enabled: z17.boolean().default(true),
    /** How often each account/region is listed while polling (clouddriver's agents run every 30 s). */
    intervalSeconds: z17.number().positive().default(30),
    /** While polling, every function's details are re-read once per this window, spread evenly across it. */
    detailRefreshSeconds: z17.number().positive().default(600),
    /** Functions read at once per region when they are new or changed. */
    concurrency: z17.number().int().min(1).max(64).default(8),
    /** Per account: AWS calls per second the inventory may make (listing and reads together, all regions). */
    callsPerSecond: z17.number().positive().max(1e3).default(20),
    /** `ListFunctions FunctionVersion=ALL` at least this often (sooner when AccountUsage says versions changed). */
    allVersionsListSeconds: z17.number().positive().default(3600),
    /** Change detection from CloudTrail events through EventBridge and SQS (see the README's "Change feed"). */
    changeFeed: z17.object({
      queues: z17.array(
        z17.strictObject({
          account: z17.string().min(1),
          region: z17.string().min(1),
          queueUrl: z17.url()
        })
      ).default([]),
      /** No message and no heartbeat for this long: the feed is silent and its region polls again. */
      silenceSeconds: z17.number().positive().default(900),
      /**
       * Listing interval while the feed is healthy. Each listing is the cheap safety pass: a function whose
       * RevisionId or LastModified moved without an event is read in full.
       */
      listIntervalSeconds: z17.number().positive().default(3600),
      /**
       * Deep re-verify window while the feed is healthy: every function's aliases, mappings, permissions, tags and
       * concurrency (what no listing shows) are re-read once per window, spread evenly. Events cover them first.
       */
      detailRefreshSeconds: z17.number().positive().default(604800),
      /** `ListFunctions FunctionVersion=ALL` at least this often while the feed is healthy (sooner on AccountUsage). */
      allVersionsListSeconds: z17.number().positive().default(86400),
      /** ReceiveMessage long-poll wait. */
      waitTimeSeconds: z17.number().int().min(0).max(20).default(20)
    }).prefault({})
  }).prefault({})
});

// packages/lambda/src/inventory/clock.ts
var realClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise((resolve2) => {
    if (signal?.aborted) return resolve2();
    const t = setTimeout(done, Math.max(0, ms));
    t.unref?.();
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve2();
    }
  })
};

// packages/lambda/src/inventory/createInventoryService.ts
import { SQSClient } from "@aws-sdk/client-sqs";
import { Counter, Gauge as Gauge2 } from "prom-client";

// packages/lambda/src/feed/ChangeFeed.ts
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";

// packages/lambda/src/feed/parseChangeMessage.ts
var FUNCTION_CHANGING_CALLS = /* @__PURE__ */ new Set([
  "CreateFunction",
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "DeleteFunction",
  "PublishVersion",
  "CreateAlias",
  "UpdateAlias",
  "DeleteAlias",
  "CreateEventSourceMapping",
  "UpdateEventSourceMapping",
  "DeleteEventSourceMapping",
  "AddPermission",
  "RemovePermission",
  "PutFunctionConcurrency",
  "DeleteFunctionConcurrency",
  "PutProvisionedConcurrencyConfig",
  "DeleteProvisionedConcurrencyConfig",
  "TagResource",
  "UntagResource",
  "CreateFunctionUrlConfig",
  "UpdateFunctionUrlConfig",
  "DeleteFunctionUrlConfig",
  "PutFunctionEventInvokeConfig",
  "UpdateFunctionEventInvokeConfig",
  "DeleteFunctionEventInvokeConfig",
  "PutRuntimeManagementConfig",
  "PutFunctionCodeSigningConfig",
  "DeleteFunctionCodeSigningConfig"
]);
function baseCallName(eventName) {
  return eventName.replace(/\d{8}(v\d+)?$/, "");
}
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var str4 = (v) => typeof v === "string" && v.length ? v : void 0;
function functionNameOf(ref) {
  const arn = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  if (arn) return arn[1];
  const partial = /^\d{12}:function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  if (partial) return partial[1];
  const plain = /^([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/.exec(ref);
  return plain ? plain[1] : void 0;
}
function parseChangeMessage(body) {
  let ev;
  try {
    ev = JSON.parse(body);
  } catch {
    return { kind: "malformed", reason: "body is not JSON" };
  }
  if (!isObj(ev)) return { kind: "malformed", reason: "body is not a JSON object" };
  const source = ev.source;
  const detailType = ev["detail-type"];
  if (typeof source !== "string" || typeof detailType !== "string") {
    return { kind: "malformed", reason: "not an EventBridge event (no source / detail-type)" };
  }
  if (source === "aws.events" && detailType === "Scheduled Event") {
    return { kind: "heartbeat", ...str4(ev.account) ? { accountId: ev.account } : {}, ...str4(ev.region) ? { region: ev.region } : {} };
  }
  if (source !== "aws.lambda") return { kind: "foreign", reason: `source ${source}` };
  if (detailType !== "AWS API Call via CloudTrail") return { kind: "foreign", reason: `detail-type ${detailType}` };
  const d = ev.detail;
  if (!isObj(d)) return { kind: "malformed", reason: "detail is not an object" };
  const eventName = str4(d.eventName);
  if (!eventName) return { kind: "malformed", reason: "detail.eventName missing" };
  if (d.eventSource !== void 0 && d.eventSource !== "lambda.amazonaws.com") return { kind: "foreign", reason: `eventSource ${String(d.eventSource)}` };
  const accountId = str4(d.recipientAccountId) ?? str4(ev.account);
  const region = str4(d.awsRegion) ?? str4(ev.region);
  if (!accountId || !/^\d{12}$/.test(accountId)) return { kind: "malformed", reason: "no 12-digit account id" };
  if (!region) return { kind: "malformed", reason: "no region" };
  const call = baseCallName(eventName);
  if (!FUNCTION_CHANGING_CALLS.has(call)) return { kind: "ignored", reason: `${eventName} does not change a function` };
  if (str4(d.errorCode)) return { kind: "ignored", reason: `${eventName} failed (${String(d.errorCode)})` };
  const req = isObj(d.requestParameters) ? d.requestParameters : {};
  const res = isObj(d.responseElements) ? d.responseElements : {};
  const t = str4(d.eventTime) ?? str4(ev.time);
  const eventTime = t ? Date.parse(t) : NaN;
  const base = { kind: "change", call, eventName, accountId, region, ...Number.isFinite(eventTime) ? { eventTime } : {} };
  const ref = call === "TagResource" || call === "UntagResource" ? str4(req.resource) : str4(req.functionName) ?? str4(res.functionArn) ?? str4(res.functionName);
  if (ref) {
    const functionName = functionNameOf(ref);
    if (functionName) return { ...base, functionName };
    if (call === "TagResource" || call === "UntagResource") return { kind: "ignored", reason: `${eventName} on ${ref}, not a function` };
    return { kind: "malformed", reason: `${eventName}: cannot read a function name from ${JSON.stringify(ref).slice(0, 200)}` };
  }
  const uuid = str4(req.uUID) ?? str4(req.uuid) ?? str4(res.uUID) ?? str4(res.uuid);
  if (uuid && call.endsWith("EventSourceMapping")) return { ...base, mappingUuid: uuid };
  return { kind: "malformed", reason: `${eventName} names no function` };
}

// packages/lambda/src/feed/ChangeFeed.ts
var ChangeFeed = class {
  constructor(deps) {
    this.deps = deps;
  }
  deps;
  counts = { change: 0, heartbeat: 0, fresh: 0, ignored: 0, foreign: 0, malformed: 0, failed: 0 };
  lastMessageAt;
  lastHeartbeatAt;
  lastError;
  healthy = false;
  abort;
  loop;
  get isHealthy() {
    return this.healthy;
  }
  status() {
    this.checkHealth();
    return {
      queueUrl: this.deps.queueUrl,
      healthy: this.healthy,
      ...this.lastMessageAt !== void 0 ? { lastMessageAt: new Date(this.lastMessageAt).toISOString() } : {},
      ...this.lastHeartbeatAt !== void 0 ? { lastHeartbeatAt: new Date(this.lastHeartbeatAt).toISOString() } : {},
      ...this.lastError ? { lastError: this.lastError } : {},
      messages: { ...this.counts }
    };
  }
  /** Re-evaluates health (silence since the last message) and reports a change. */
  checkHealth() {
    const h = this.lastMessageAt !== void 0 && this.deps.clock.now() - this.lastMessageAt <= this.deps.silenceMs;
    if (h !== this.healthy) {
      this.healthy = h;
      this.deps.logger[h ? "info" : "warn"](
        { queueUrl: this.deps.queueUrl, account: this.deps.account.name, region: this.deps.region },
        h ? "lambda change feed healthy" : `lambda change feed silent for ${Math.round(this.deps.silenceMs / 1e3)} s; the region falls back to polling`
      );
      this.deps.onHealth(h);
    }
    return h;
  }
  start() {
    if (this.abort) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }
  async stop() {
    this.abort?.abort();
    await this.loop;
    this.abort = void 0;
  }
  async run(signal) {
    let backoff = 1e3;
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
        backoff = 1e3;
      } catch (err) {
        if (signal.aborted) break;
        this.lastError = `${err.name}: ${err.message}`;
        this.deps.logger.warn({ err, queueUrl: this.deps.queueUrl }, "lambda change feed: receiving failed");
        this.checkHealth();
        await this.deps.clock.sleep(backoff, signal);
        backoff = Math.min(6e4, backoff * 2);
      }
    }
  }
  /** One ReceiveMessage (long poll) and the handling of what it returned. */
  async pollOnce(signal) {
    await this.deps.take?.();
    const got = await this.deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.deps.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: this.deps.waitTimeSeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"]
      }),
      signal ? { abortSignal: signal } : void 0
    );
    delete this.lastError;
    const messages = got.Messages ?? [];
    if (messages.length) this.lastMessageAt = this.deps.clock.now();
    const done = [];
    await Promise.all(
      messages.map(async (m, i) => {
        let outcome;
        try {
          outcome = await this.handle(m.Body ?? "");
        } catch (err) {
          outcome = "failed";
          this.deps.logger.warn(
            { err, queueUrl: this.deps.queueUrl, messageId: m.MessageId, receiveCount: m.Attributes?.ApproximateReceiveCount },
            "lambda change feed: could not re-read the function of an event; the message stays on the queue (its redrive policy decides)"
          );
        }
        this.counts[outcome]++;
        this.deps.onOutcome?.(outcome);
        if (outcome !== "failed" && m.ReceiptHandle) done.push({ Id: String(i), ReceiptHandle: m.ReceiptHandle });
      })
    );
    if (done.length) {
      await this.deps.take?.();
      const res = await this.deps.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.deps.queueUrl, Entries: done }));
      for (const f of res.Failed ?? []) this.deps.logger.warn({ queueUrl: this.deps.queueUrl, code: f.Code, message: f.Message }, "lambda change feed: could not delete a handled message");
    }
    this.checkHealth();
  }
  async handle(body) {
    const msg = parseChangeMessage(body);
    const { account, region } = this.deps;
    switch (msg.kind) {
      case "heartbeat":
        if (msg.accountId && msg.accountId !== account.accountId || msg.region && msg.region !== region) return "foreign";
        this.lastHeartbeatAt = this.deps.clock.now();
        return "heartbeat";
      case "malformed":
      case "foreign":
      case "ignored":
        this.deps.logger.debug({ queueUrl: this.deps.queueUrl, reason: msg.reason }, `lambda change feed: ${msg.kind} message dropped`);
        return msg.kind;
      case "change": {
        if (account.accountId && msg.accountId !== account.accountId || msg.region !== region) {
          this.deps.logger.debug({ queueUrl: this.deps.queueUrl, accountId: msg.accountId, region: msg.region }, "lambda change feed: event of another account or region dropped");
          return "foreign";
        }
        const name = msg.functionName ?? (msg.mappingUuid ? this.deps.functionOfMapping(msg.mappingUuid) : void 0);
        if (!name) return "ignored";
        const at = this.deps.cachedAt(name);
        if (at !== void 0 && msg.eventTime !== void 0 && at > msg.eventTime + (this.deps.skewMs ?? 5e3)) return "fresh";
        await this.deps.refresh(name);
        return "change";
      }
    }
  }
};

// packages/lambda/src/inventory/RefreshScheduler.ts
import { setMaxListeners } from "node:events";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";

// packages/lambda/src/inventory/CallBudget.ts
var CallBudget = class {
  constructor(callsPerSecond, clock) {
    this.callsPerSecond = callsPerSecond;
    this.clock = clock;
    this.interval = 1e3 / callsPerSecond;
  }
  callsPerSecond;
  clock;
  nextSlot = 0;
  interval;
  urgent = [];
  normal = [];
  pumping = false;
  /** Calls made through this budget. */
  calls = 0;
  /** Resolves when the call may go out (at once when the budget has room and nobody waits); rejects on abort. */
  take(urgent = false, signal) {
    if (signal?.aborted) return Promise.reject(new DOMException("inventory stopped", "AbortError"));
    const now = this.clock.now();
    if (!this.pumping && now >= this.nextSlot) {
      this.nextSlot = now + this.interval;
      this.calls++;
      return Promise.resolve();
    }
    return new Promise((resolve2, reject) => {
      const queue = urgent ? this.urgent : this.normal;
      const onAbort = () => {
        const at = queue.indexOf(w);
        if (at >= 0) queue.splice(at, 1);
        reject(new DOMException("inventory stopped", "AbortError"));
      };
      const w = {
        go: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve2();
        }
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(w);
      if (!this.pumping) void this.pump();
    });
  }
  async pump() {
    this.pumping = true;
    try {
      for (; ; ) {
        const wait = this.nextSlot - this.clock.now();
        if (wait > 0) await this.clock.sleep(wait);
        const next = this.urgent.shift() ?? this.normal.shift();
        if (!next) break;
        this.nextSlot = Math.max(this.clock.now(), this.nextSlot) + this.interval;
        this.calls++;
        next.go();
      }
    } finally {
      this.pumping = false;
    }
  }
  /** Callers waiting for a slot; a long queue means the budget cannot keep up with what is due. */
  get waiting() {
    return this.urgent.length + this.normal.length;
  }
  /** How long the queue of waiting callers takes to drain (ms). */
  backlogMs() {
    return this.waiting * this.interval;
  }
};

// packages/lambda/src/inventory/RefreshScheduler.ts
async function sleepUntil(clock, ms, ...signals) {
  if (signals.some((s) => s.aborted)) return;
  const c2 = new AbortController();
  const stop = () => c2.abort();
  for (const s of signals) s.addEventListener("abort", stop, { once: true });
  try {
    await clock.sleep(ms, c2.signal);
  } finally {
    for (const s of signals) s.removeEventListener("abort", stop);
  }
}
var CALLS_PER_READ = 5;
var Lane = class {
  constructor(account, region, s, send, sendUrgent) {
    this.account = account;
    this.region = region;
    this.s = s;
    this.send = send;
    this.sendUrgent = sendUrgent;
    for (const e of s.deps.inventory.entriesOf(account.name, region).sort((a, b) => a.hydratedAt - b.hydratedAt)) this.noteRead(e.name, e.hydratedAt);
  }
  account;
  region;
  s;
  send;
  sendUrgent;
  mode = "polling";
  high = [];
  normal = [];
  pending = /* @__PURE__ */ new Map();
  inFlight = /* @__PURE__ */ new Map();
  /** Sweep order: (name, read time) in read order; stale records (read again since) are skipped lazily. */
  sweep = [];
  sweepHead = 0;
  readAt = /* @__PURE__ */ new Map();
  wake = new AbortController();
  workWake = new AbortController();
  lastUsage;
  lastAllVersionsAt = -Infinity;
  status = {
    allVersionsListings: 0,
    signalTriggeredListings: 0,
    reads: { event: 0, new: 0, changed: 0, periodic: 0 },
    failedReads: 0
  };
  get clock() {
    return this.s.deps.clock;
  }
  get listMs() {
    return this.mode === "feed" ? this.s.policy.feedListMs : this.s.policy.pollListMs;
  }
  get allVersionsMs() {
    return this.mode === "feed" ? this.s.policy.feedAllVersionsListMs : this.s.policy.allVersionsListMs;
  }
  get detailMs() {
    return this.mode === "feed" ? this.s.policy.feedDetailMs : this.s.policy.pollDetailMs;
  }
  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.s.deps.logger.info({ account: this.account.name, region: this.region, mode }, mode === "feed" ? "lambda inventory: change feed healthy; polling slowed" : "lambda inventory: change feed silent; polling");
    this.interrupt();
  }
  interrupt() {
    const w = this.wake;
    this.wake = new AbortController();
    w.abort();
  }
  noteRead(name, at) {
    this.readAt.set(name, at);
    this.sweep.push({ name, at });
  }
  forget(name) {
    this.readAt.delete(name);
  }
  request(name, reason) {
    return new Promise((resolve2, reject) => {
      const waiter = { resolve: resolve2, reject };
      const running = this.inFlight.get(name);
      if (running && reason !== "event") {
        running.waiters.push(waiter);
        return;
      }
      const queued = this.pending.get(name);
      if (queued) {
        queued.waiters.push(waiter);
        if (reason === "event" && queued.reason !== "event") {
          const at = this.normal.indexOf(queued);
          if (at >= 0) this.normal.splice(at, 1);
          queued.reason = "event";
          this.high.push(queued);
        }
        return;
      }
      const p = { name, reason, waiters: [waiter] };
      this.pending.set(name, p);
      (reason === "event" ? this.high : this.normal).push(p);
      const w = this.workWake;
      this.workWake = new AbortController();
      w.abort();
    });
  }
  next() {
    const p = this.high.shift() ?? this.normal.shift();
    if (p) this.pending.delete(p.name);
    return p;
  }
  async read(name, reason) {
    const inv = this.s.deps.inventory;
    this.status.reads[reason]++;
    const fn = await inv.refreshFunction(this.account, this.region, name, { send: reason === "event" ? this.sendUrgent : this.send });
    if (fn) this.noteRead(name, inv.cachedAt(this.account.name, this.region, name) ?? this.clock.now());
    else this.forget(name);
  }
  /** Reads queued functions, high priority first; a function changed while being read is read again after. */
  async worker(signal) {
    while (!signal.aborted) {
      const p = this.next();
      if (!p) {
        await sleepUntil(this.clock, 36e5, signal, this.workWake.signal);
        continue;
      }
      const running = this.inFlight.get(p.name);
      if (running) {
        await new Promise((r) => running.waiters.push({ resolve: r, reject: () => r() }));
      }
      this.inFlight.set(p.name, p);
      try {
        await this.read(p.name, p.reason);
        for (const w of p.waiters) w.resolve();
      } catch (err) {
        if (signal.aborted) {
          for (const w of p.waiters) w.reject(err);
          break;
        }
        this.status.failedReads++;
        this.s.deps.logger.warn({ err, function: p.name, account: this.account.name, region: this.region }, "could not read Lambda function details; keeping the previous entry");
        for (const w of p.waiters) w.reject(err);
      } finally {
        this.inFlight.delete(p.name);
      }
    }
  }
  /** Lists the region each `listMs`; new and changed functions are queued. */
  async lister(signal) {
    while (!signal.aborted) {
      const started = this.clock.now();
      try {
        await this.list();
      } catch (err) {
        if (signal.aborted) break;
        this.status.lastListError = err.message;
        this.s.deps.logger.warn({ err, account: this.account.name, region: this.region }, "lambda inventory: listing failed; keeping the previous functions of this region");
      }
      for (; ; ) {
        const due = started + this.listMs;
        if (signal.aborted || this.clock.now() >= due) break;
        await sleepUntil(this.clock, due - this.clock.now(), signal, this.wake.signal);
      }
    }
  }
  async list() {
    const inv = this.s.deps.inventory;
    const client2 = this.s.deps.aws.client(LambdaClient, this.account, this.region);
    const now = this.clock.now();
    let allVersions = now - this.lastAllVersionsAt >= this.allVersionsMs;
    let usage;
    try {
      const got = await this.send(client2, new GetAccountSettingsCommand({}));
      if (got.AccountUsage?.TotalCodeSize !== void 0) usage = { size: got.AccountUsage.TotalCodeSize };
    } catch (err) {
      this.s.deps.logger.debug({ err, account: this.account.name, region: this.region }, "GetAccountSettings failed; versions are listed on schedule only");
    }
    let listed = await inv.listFunctions(client2, this.send, { allVersions });
    let latestSize = listed.reduce((n, f) => n + (!f.Version || f.Version === "$LATEST" ? f.CodeSize ?? 0 : 0), 0);
    if (!allVersions && usage && this.lastUsage) {
      const movedUsage = usage.size - this.lastUsage.size;
      const movedLatest = latestSize - this.lastUsage.latestSize;
      const movedKnown = inv.publishedCodeSize(this.account.name, this.region) - this.lastUsage.knownPublished;
      if (movedUsage !== movedLatest + movedKnown) {
        allVersions = true;
        this.status.signalTriggeredListings++;
        listed = await inv.listFunctions(client2, this.send, { allVersions: true });
        latestSize = listed.reduce((n, f) => n + (!f.Version || f.Version === "$LATEST" ? f.CodeSize ?? 0 : 0), 0);
      }
    }
    if (allVersions) {
      this.lastAllVersionsAt = now;
      this.status.allVersionsListings++;
    }
    const before = new Set(inv.entriesOf(this.account.name, this.region).map((e) => e.name));
    const { stale } = inv.compareListing(this.account.name, this.region, listed, { detailRefreshMs: Infinity });
    for (const name of before) if (!inv.get(this.account.name, this.region, name)) this.forget(name);
    if (allVersions) inv.notePublishedSizes(this.account.name, this.region, listed);
    if (usage) this.lastUsage = { size: usage.size, latestSize, knownPublished: inv.publishedCodeSize(this.account.name, this.region) };
    this.status.listed = listed.filter((f) => !f.Version || f.Version === "$LATEST").length;
    this.status.lastListAt = new Date(this.clock.now()).toISOString();
    delete this.status.lastListError;
    for (const name of stale) void this.request(name, before.has(name) ? "changed" : "new").catch(() => {
    });
  }
  /** The oldest read still current, skipping records superseded by a later read or an eviction. */
  stalest() {
    while (this.sweepHead < this.sweep.length) {
      const r = this.sweep[this.sweepHead];
      if (this.readAt.get(r.name) === r.at) return r;
      this.sweepHead++;
      if (this.sweepHead > 1024 && this.sweepHead * 2 > this.sweep.length) {
        this.sweep = this.sweep.slice(this.sweepHead);
        this.sweepHead = 0;
      }
    }
    return void 0;
  }
  /**
   * Re-reads one function every `window / functions`, the one read longest ago: each function comes due once per
   * window, spread evenly, whatever happened before (a cold start, a restart, a mode change). A random phase on the
   * first step keeps regions and replicas from stepping in lockstep.
   */
  async sweeper(signal) {
    await this.clock.sleep(this.s.random() * Math.min(this.detailMs, 6e4), signal);
    while (!signal.aborted) {
      const n = this.readAt.size;
      const step = n ? this.detailMs / n : this.detailMs;
      const started = this.clock.now();
      const r = n ? this.stalest() : void 0;
      if (r && started - r.at >= step / 2 && !this.pending.has(r.name) && !this.inFlight.has(r.name)) {
        try {
          await this.read(r.name, "periodic");
        } catch (err) {
          this.status.failedReads++;
          this.noteRead(r.name, this.clock.now());
          this.s.deps.logger.warn({ err, function: r.name, account: this.account.name, region: this.region }, "could not re-read Lambda function details; keeping the previous entry");
        }
      }
      for (; ; ) {
        const due = started + (this.readAt.size ? this.detailMs / this.readAt.size : this.detailMs);
        if (signal.aborted || this.clock.now() >= due) break;
        await sleepUntil(this.clock, Math.min(due - this.clock.now(), 6e4), signal, this.wake.signal);
      }
    }
  }
  snapshot() {
    const r = this.stalest();
    const n = this.readAt.size;
    return {
      mode: this.mode,
      functions: n,
      ...this.status,
      reads: { ...this.status.reads },
      queued: this.high.length + this.normal.length,
      stalestSeconds: r ? Math.round((this.clock.now() - r.at) / 1e3) : 0,
      detailWindowSeconds: this.detailMs / 1e3,
      neededCallsPerSecond: Number((n * CALLS_PER_READ / (this.detailMs / 1e3) + ((this.status.listed ?? 0) / 50 + 1) / (this.listMs / 1e3)).toFixed(3))
    };
  }
};
var RefreshScheduler = class {
  constructor(deps, policy, lanes) {
    this.deps = deps;
    this.policy = policy;
    this.random = deps.random ?? Math.random;
    for (const { account, region } of lanes) {
      let budget = this.budgets.get(account.name);
      if (!budget) this.budgets.set(account.name, budget = new CallBudget(policy.callsPerSecond, deps.clock));
      const b = budget;
      const paced = (urgent) => (client2, command) => deps.send(
        {
          send: async (c2, o) => {
            await b.take(urgent, this.abort?.signal);
            return client2.send(c2, o);
          }
        },
        command
      );
      this.lanes.set(`${account.name}/${region}`, new Lane(account, region, this, paced(false), paced(true)));
    }
  }
  deps;
  policy;
  lanes = /* @__PURE__ */ new Map();
  budgets = /* @__PURE__ */ new Map();
  abort;
  running = [];
  random;
  lane(account, region) {
    return this.lanes.get(`${account}/${region}`);
  }
  has(account, region) {
    return this.lanes.has(`${account}/${region}`);
  }
  budget(account) {
    return this.budgets.get(account);
  }
  /** Queues a read of one function ahead of listing work; resolves when it is read (or found gone). */
  refresh(account, region, name, reason = "event") {
    const lane = this.lane(account, region);
    if (!lane) return Promise.reject(new Error(`no inventory lane for ${account}/${region}`));
    return lane.request(name, reason);
  }
  /** Tells the scheduler that a region's change feed is (un)healthy. */
  setFeedHealthy(account, region, healthy) {
    this.lane(account, region)?.setMode(healthy ? "feed" : "polling");
  }
  /** A write (or on-demand read) just re-read this function outside the scheduler: the sweep takes note. */
  noteRead(account, region, name, at, exists) {
    const lane = this.lane(account, region);
    if (!lane) return;
    if (exists) lane.noteRead(name, at);
    else lane.forget(name);
  }
  /** Runs one listing of every region now (tests and `start`). */
  async listAll() {
    await Promise.all([...this.lanes.values()].map((l) => l.list().catch(() => {
    })));
  }
  start() {
    if (this.abort) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    setMaxListeners(0, signal);
    for (const lane of this.lanes.values()) {
      this.running.push(lane.lister(signal));
      this.running.push(lane.sweeper(signal));
      for (let i = 0; i < this.policy.concurrency; i++) this.running.push(lane.worker(signal));
    }
  }
  async stop() {
    this.abort?.abort();
    await Promise.allSettled(this.running);
    this.running = [];
    this.abort = void 0;
  }
  status() {
    const out = {};
    for (const [k, lane] of this.lanes) {
      const b = this.budgets.get(lane.account.name);
      out[k] = { ...lane.snapshot(), callsPerSecondBudget: b.callsPerSecond, budgetBacklogSeconds: Math.round(b.backlogMs() / 1e3), inventoryCalls: b.calls };
    }
    return out;
  }
};

// packages/lambda/src/inventory/createInventoryService.ts
function createInventoryService(deps) {
  const { provider, config: config2, inventory, clock } = deps;
  const inv = config2.inventory;
  const feedCfg = inv.changeFeed;
  const scheduler = new RefreshScheduler(
    { inventory, aws: provider.aws, logger: provider.logger, clock, send: deps.send, ...deps.random ? { random: deps.random } : {} },
    {
      pollListMs: inv.intervalSeconds * 1e3,
      pollDetailMs: inv.detailRefreshSeconds * 1e3,
      feedListMs: feedCfg.listIntervalSeconds * 1e3,
      feedDetailMs: feedCfg.detailRefreshSeconds * 1e3,
      allVersionsListMs: inv.allVersionsListSeconds * 1e3,
      feedAllVersionsListMs: feedCfg.allVersionsListSeconds * 1e3,
      callsPerSecond: inv.callsPerSecond,
      concurrency: inv.concurrency
    },
    deps.lanes
  );
  const outcomes = new Counter({
    name: "outrigger_lambda_change_feed_messages_total",
    help: "Change feed messages by outcome (change, heartbeat, fresh, ignored, foreign, malformed, failed)",
    labelNames: ["account", "region", "outcome"],
    registers: [provider.metrics.registry]
  });
  const feeds = feedCfg.queues.map((q, i) => {
    const lane = deps.lanes.find((l) => l.account.name === q.account && l.region === q.region);
    if (!lane) {
      throw new ConfigError(
        `${provider.configSource}: lambda.inventory.changeFeed.queues[${i}]: ${q.account}/${q.region} is not a region of a lambdaEnabled account (${deps.lanes.map((l) => `${l.account.name}/${l.region}`).join(", ") || "none"})`
      );
    }
    const feed = new ChangeFeed({
      queueUrl: q.queueUrl,
      account: lane.account,
      region: lane.region,
      sqs: provider.aws.client(SQSClient, lane.account, lane.region),
      clock,
      logger: provider.logger,
      refresh: (name) => scheduler.refresh(lane.account.name, lane.region, name, "event"),
      cachedAt: (name) => inventory.cachedAt(lane.account.name, lane.region, name),
      functionOfMapping: (uuid) => inventory.functionOfMapping(lane.account.name, lane.region, uuid),
      onHealth: (healthy) => scheduler.setFeedHealthy(lane.account.name, lane.region, healthy),
      silenceMs: feedCfg.silenceSeconds * 1e3,
      waitTimeSeconds: feedCfg.waitTimeSeconds,
      take: () => scheduler.budget(lane.account.name)?.take(true) ?? Promise.resolve(),
      onOutcome: (outcome) => outcomes.inc({ account: lane.account.name, region: lane.region, outcome })
    });
    return feed;
  });
  const feedOf = (account, region) => feeds.find((f) => f.deps.account.name === account && f.deps.region === region);
  const labels = (k) => {
    const [account, region] = k.split("/");
    return { account, region };
  };
  new Gauge2({
    name: "outrigger_lambda_inventory_mode",
    help: "1 for the refresh mode each account/region is in: feed (change feed healthy) or polling",
    labelNames: ["account", "region", "mode"],
    registers: [provider.metrics.registry],
    collect() {
      for (const [k, s] of Object.entries(scheduler.status())) {
        this.set({ ...labels(k), mode: "feed" }, s.mode === "feed" ? 1 : 0);
        this.set({ ...labels(k), mode: "polling" }, s.mode === "polling" ? 1 : 0);
      }
    }
  });
  new Gauge2({
    name: "outrigger_lambda_change_feed_healthy",
    help: "1 while a change feed receives messages or heartbeats, 0 when silent (its region then polls)",
    labelNames: ["account", "region"],
    registers: [provider.metrics.registry],
    collect() {
      for (const f of feeds) this.set({ account: f.deps.account.name, region: f.deps.region }, f.status().healthy ? 1 : 0);
    }
  });
  new Gauge2({
    name: "outrigger_lambda_inventory_stalest_seconds",
    help: "Age of the oldest function details per account/region",
    labelNames: ["account", "region"],
    registers: [provider.metrics.registry],
    collect() {
      for (const [k, s] of Object.entries(scheduler.status())) this.set(labels(k), s.stalestSeconds);
    }
  });
  const callsSeen = /* @__PURE__ */ new Map();
  new Counter({
    name: "outrigger_lambda_inventory_aws_calls_total",
    help: "AWS calls the inventory made per account (all through the per-account budget)",
    labelNames: ["account"],
    registers: [provider.metrics.registry],
    collect() {
      for (const l of new Map(deps.lanes.map((x) => [x.account.name, x])).values()) {
        const b = scheduler.budget(l.account.name);
        if (!b) continue;
        const seen = callsSeen.get(l.account.name) ?? 0;
        if (b.calls > seen) this.inc({ account: l.account.name }, b.calls - seen);
        callsSeen.set(l.account.name, b.calls);
      }
    }
  });
  const readsSeen = /* @__PURE__ */ new Map();
  new Counter({
    name: "outrigger_lambda_inventory_reads_total",
    help: "Function detail reads by reason: event (change feed), new, changed (listing), periodic (sweep)",
    labelNames: ["account", "region", "reason"],
    registers: [provider.metrics.registry],
    collect() {
      for (const [k, s] of Object.entries(scheduler.status())) {
        for (const [reason, n] of Object.entries(s.reads)) {
          const id = `${k}/${reason}`;
          const seen = readsSeen.get(id) ?? 0;
          if (n > seen) this.inc({ ...labels(k), reason }, n - seen);
          readsSeen.set(id, n);
        }
      }
    }
  });
  let started = false;
  return {
    scheduler,
    feeds,
    async refreshNow(account, region, name) {
      const fn = await inventory.refreshFunction(account, region, name);
      scheduler.noteRead(account.name, region, name, inventory.cachedAt(account.name, region, name) ?? clock.now(), Boolean(fn));
      return fn;
    },
    health() {
      const out = {};
      for (const [k, s] of Object.entries(scheduler.status())) {
        const { account, region } = labels(k);
        const feed = feedOf(account, region)?.status();
        out[k] = {
          ...s,
          modeReason: !feed ? "no change feed configured for this region (lambda.inventory.changeFeed.queues)" : feed.healthy ? "change feed healthy" : feed.lastMessageAt ? `change feed silent since ${feed.lastMessageAt}; polling` : started ? "change feed has not delivered a message or heartbeat yet; polling" : "inventory not started",
          ...feed ? { changeFeed: { status: feed.healthy ? "UP" : "DOWN", ...feed } } : {}
        };
      }
      return out;
    },
    async start() {
      if (!inv.enabled || started) return;
      started = true;
      scheduler.start();
      for (const f of feeds) f.start();
    },
    async stop() {
      started = false;
      await Promise.all(feeds.map((f) => f.stop()));
      await scheduler.stop();
    }
  };
}

// packages/lambda/src/inventory/FunctionInventory.ts
import {
  GetFunctionCommand,
  GetPolicyCommand as GetPolicyCommand2,
  LambdaClient as LambdaClient2,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand
} from "@aws-sdk/client-lambda";

// packages/lambda/src/aws/targetGroups.ts
import { createHash } from "node:crypto";
import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  RegisterTargetsCommand
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand } from "@aws-sdk/client-lambda";
var ELB = "elasticloadbalancing.amazonaws.com";
function statementIdFor(targetGroupArn) {
  return `outrigger-elb-${createHash("sha256").update(targetGroupArn).digest("hex").slice(0, 24)}`;
}
function targetGroupName(arn) {
  return /:targetgroup\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}
function targetGroupList(spec) {
  if (spec === void 0 || spec === null) return void 0;
  const list = typeof spec === "string" ? spec.split(",") : [...spec];
  return list.map((s) => s.trim()).filter(Boolean);
}
function targetGroupsFromPolicy(policy) {
  if (!policy) return [];
  let doc;
  try {
    doc = JSON.parse(policy);
  } catch {
    return [];
  }
  const out = [];
  for (const s of doc.Statement ?? []) {
    const services = [].concat(s.Principal?.Service ?? []);
    if (s.Effect !== "Allow" || !services.includes(ELB)) continue;
    const arn = s.Condition?.ArnLike?.["AWS:SourceArn"] ?? s.Condition?.ArnEquals?.["AWS:SourceArn"];
    if (arn) out.push({ arn, sid: s.Sid ?? "" });
  }
  return out;
}
async function resolve(ctx, specs, field) {
  const arns = specs.filter((s) => s.startsWith("arn:"));
  const names = specs.filter((s) => !s.startsWith("arn:"));
  const found = [];
  const describe = async (input) => {
    try {
      const r = await ctx.send(ctx.elb(), new DescribeTargetGroupsCommand(input));
      found.push(...r.TargetGroups ?? []);
    } catch (err) {
      if (err.name === "TargetGroupNotFoundException") {
        throw new InputError(`There is no target group with the name or ARN ${[...input.Names ?? [], ...input.TargetGroupArns ?? []].join(", ")}.`, {
          errors: [{ field, message: "target group not found" }]
        });
      }
      throw err;
    }
  };
  if (names.length) await describe({ Names: names });
  if (arns.length) await describe({ TargetGroupArns: arns });
  for (const n of names) {
    const hits = found.filter((t) => t.TargetGroupName === n);
    if (hits.length === 0) throw new InputError(`There is no target group with the name ${n}.`, { errors: [{ field, message: "target group not found" }] });
    if (hits.length > 1) throw new InputError(`There are multiple target groups with the name ${n}.`, { errors: [{ field, message: "ambiguous name" }] });
  }
  return found;
}
async function syncTargetGroups(ctx, functionName, functionArn, specs, field) {
  const wanted = specs.length ? await resolve(ctx, specs, field) : [];
  let current = [];
  try {
    const p = await ctx.send(ctx.lambda, new GetPolicyCommand({ FunctionName: functionName }));
    current = targetGroupsFromPolicy(p.Policy);
  } catch (err) {
    if (err.name !== "ResourceNotFoundException") throw err;
  }
  const unqualified = functionArn.replace(/:(\$LATEST|\d+)$/, "");
  for (const tg of wanted) {
    const arn = tg.TargetGroupArn;
    if (!current.some((c2) => c2.arn === arn)) {
      try {
        await ctx.send(
          ctx.lambda,
          new AddPermissionCommand({ FunctionName: functionName, StatementId: statementIdFor(arn), Action: "lambda:InvokeFunction", Principal: ELB, SourceArn: arn })
        );
      } catch (err) {
        if (err.name !== "ResourceConflictException") throw err;
      }
    }
    await ctx.send(ctx.elb(), new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: unqualified }] }));
    await ctx.status(`Registered ${functionName} with target group ${tg.TargetGroupName}`);
  }
  for (const c2 of current) {
    if (wanted.some((w) => w.TargetGroupArn === c2.arn)) continue;
    await deregister(ctx, functionName, unqualified, c2);
  }
  return wanted.map((w) => w.TargetGroupName);
}
async function deregister(ctx, functionName, functionArn, c2) {
  try {
    await ctx.send(ctx.elb(), new DeregisterTargetsCommand({ TargetGroupArn: c2.arn, Targets: [{ Id: functionArn }] }));
  } catch (err) {
    if (!/NotFound|InvalidTarget/.test(err.name)) throw err;
  }
  if (c2.sid) {
    try {
      await ctx.send(ctx.lambda, new RemovePermissionCommand({ FunctionName: functionName, StatementId: c2.sid }));
    } catch (err) {
      if (err.name !== "ResourceNotFoundException") throw err;
    }
  }
  await ctx.status(`Deregistered ${functionName} from target group ${targetGroupName(c2.arn)}`);
}
async function deregisterAll(ctx, functionName, functionArn) {
  let current = [];
  try {
    const p = await ctx.send(ctx.lambda, new GetPolicyCommand({ FunctionName: functionName }));
    current = targetGroupsFromPolicy(p.Policy);
  } catch (err) {
    if (err.name !== "ResourceNotFoundException") throw err;
  }
  for (const c2 of current) await deregister(ctx, functionName, functionArn, { arn: c2.arn, sid: "" });
}

// packages/lambda/src/aws/toCamel.ts
var OPAQUE = /* @__PURE__ */ new Set(["Variables", "Tags", "AdditionalVersionWeights", "revisions", "tags"]);
function toCamel(value) {
  if (value === null || value === void 0) return void 0;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toCamel).filter((v) => v !== void 0);
  if (typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "$metadata" || v === void 0 || v === null) continue;
    const key2 = k === "KMSKeyArn" ? "kmskeyArn" : /^[A-Z0-9]+$/.test(k) ? k.toLowerCase() : k.charAt(0).toLowerCase() + k.slice(1);
    out[key2] = OPAQUE.has(k) && typeof v === "object" ? { ...v } : toCamel(v);
  }
  return out;
}

// packages/lambda/src/naming.ts
var MONIKER_TAGS = {
  app: "moniker.spinnaker.io/application",
  cluster: "moniker.spinnaker.io/cluster",
  stack: "moniker.spinnaker.io/stack",
  detail: "moniker.spinnaker.io/detail",
  sequence: "moniker.spinnaker.io/sequence"
};
function parseName(name) {
  const [app, stack, ...rest] = name.split("-");
  return {
    ...app ? { app } : {},
    ...stack ? { stack } : {},
    ...rest.length ? { detail: rest.join("-") } : {},
    cluster: name
  };
}
function functionNameFor(appName, functionName, prefix) {
  if (!prefix || !appName) return functionName;
  if (functionName === appName || functionName.startsWith(`${appName}-`)) return functionName;
  return `${appName}-${functionName}`;
}
function monikerOf(name, tags) {
  const parsed = parseName(name);
  const t = tags ?? {};
  const m = { ...parsed };
  if (t[MONIKER_TAGS.app]) m.app = t[MONIKER_TAGS.app];
  if (t[MONIKER_TAGS.stack]) m.stack = t[MONIKER_TAGS.stack];
  if (t[MONIKER_TAGS.detail]) m.detail = t[MONIKER_TAGS.detail];
  if (t[MONIKER_TAGS.cluster]) m.cluster = t[MONIKER_TAGS.cluster];
  return m;
}
function monikerTags(appName, functionName) {
  const base = functionName.startsWith(`${appName}-`) ? functionName.slice(appName.length + 1) : "";
  const [stack, ...rest] = base ? base.split("-") : [];
  return {
    [MONIKER_TAGS.app]: appName,
    [MONIKER_TAGS.cluster]: functionName,
    ...stack ? { [MONIKER_TAGS.stack]: stack } : {},
    ...rest.length ? { [MONIKER_TAGS.detail]: rest.join("-") } : {}
  };
}

// packages/lambda/src/inventory/mapWithConcurrency.ts
async function mapWithConcurrency(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (; ; ) {
      const i = next++;
      if (i >= items.length) return;
      try {
        results[i] = { status: "fulfilled", value: await fn(items[i]) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// packages/lambda/src/inventory/FunctionInventory.ts
var key = (account, region, name) => `${account}\0${region}\0${name}`;
var FunctionInventory = class {
  constructor(deps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    const database = deps.database;
    if (database) {
      database.exec(
        "CREATE TABLE IF NOT EXISTS lambda_functions (key TEXT PRIMARY KEY, revision_id TEXT, last_modified TEXT, hydrated_at INTEGER NOT NULL, body TEXT NOT NULL)"
      );
      const put = database.prepare("INSERT OR REPLACE INTO lambda_functions (key, revision_id, last_modified, hydrated_at, body) VALUES (?, ?, ?, ?, ?)");
      const del = database.prepare("DELETE FROM lambda_functions WHERE key = ?");
      const rows = database.prepare("SELECT key, revision_id, last_modified, hydrated_at, body FROM lambda_functions").all();
      for (const r of rows) {
        try {
          this.index(JSON.parse(r.key), JSON.parse(r.body), { revisionId: r.revision_id ?? void 0, lastModified: r.last_modified ?? void 0 }, r.hydrated_at);
        } catch {
          del.run(r.key);
        }
      }
      this.db = {
        put: (k, e) => put.run(JSON.stringify(k), e.revisionId ?? null, e.lastModified ?? null, e.hydratedAt, JSON.stringify(e.fn)),
        del: (k) => del.run(JSON.stringify(k))
      };
    }
  }
  deps;
  entries = /* @__PURE__ */ new Map();
  byApp = /* @__PURE__ */ new Map();
  byRegion = /* @__PURE__ */ new Map();
  /** Per function, the summed CodeSize of its published versions as last seen (a read or an ALL listing); in memory. */
  publishedSizes = /* @__PURE__ */ new Map();
  now;
  db;
  /** Grows with every change, so callers can cache what they derive from the inventory. */
  get version() {
    return this.changes;
  }
  changes = 0;
  get size() {
    return this.entries.size;
  }
  /** Lists one account/region and hydrates what changed (one whole pass, no pacing: tests and on-demand use). */
  async refreshRegion(account, region) {
    const client2 = this.deps.aws.client(LambdaClient2, account, region);
    const listed = await this.listFunctions(client2, this.deps.send);
    const { stale, evicted } = this.compareListing(account.name, region, listed);
    const results = await mapWithConcurrency(stale, this.deps.concurrency, (name) => this.hydrate(client2, account, region, name));
    let failed = 0;
    results.forEach((r, i) => {
      if (r.status === "rejected") {
        failed++;
        this.deps.logger.warn({ err: r.reason, function: stale[i], account: account.name, region }, "could not read Lambda function details; keeping the previous entry");
      }
    });
    return { listed: listed.length, hydrated: stale.length - failed, failed, evicted };
  }
  /**
   * Pages through `ListFunctions` (`$LATEST` only, or every published version with `allVersions`). Each page is one
   * call through `send`, so a paced sender paces the listing too.
   */
  async listFunctions(client2, send, options = {}) {
    const listed = [];
    let marker;
    do {
      const page = await send(
        client2,
        new ListFunctionsCommand({ MaxItems: 50, ...options.allVersions ? { FunctionVersion: "ALL" } : {}, ...marker ? { Marker: marker } : {} })
      );
      listed.push(...page.Functions ?? []);
      marker = page.NextMarker;
    } while (marker);
    return listed;
  }
  /**
   * Compares a listing with the entries of one account/region: evicts what is gone and returns the names to re-read
   * (new, or `RevisionId`/`LastModified` of `$LATEST` changed, or, for a `FunctionVersion=ALL` listing, a version
   * published or deleted). With `detailRefreshMs` set, also the ones whose details are older than that.
   */
  compareListing(account, region, listed, options = {}) {
    const regionKey = `${account}\0${region}`;
    const latest = /* @__PURE__ */ new Map();
    const versions = /* @__PURE__ */ new Map();
    let allVersions = false;
    for (const f of listed) {
      const name = f.FunctionName;
      if (!f.Version || f.Version === "$LATEST") latest.set(name, f);
      else allVersions = true;
      if (f.Version) (versions.get(name) ?? versions.set(name, /* @__PURE__ */ new Set()).get(name)).add(f.Version);
    }
    const now = this.now();
    const stale = [];
    const seen = /* @__PURE__ */ new Set();
    for (const [name, f] of latest) {
      const k = key(account, region, name);
      seen.add(k);
      const e = this.entries.get(k);
      let changed = !e || e.revisionId !== f.RevisionId || e.lastModified !== f.LastModified;
      if (!changed && options.detailRefreshMs !== void 0 && now - e.hydratedAt > options.detailRefreshMs) changed = true;
      if (!changed && allVersions) {
        const have = new Set(Object.values(e.fn.revisions ?? {}).map(String));
        const listedVersions = versions.get(name);
        if (have.size !== listedVersions.size || [...listedVersions].some((v) => !have.has(v))) changed = true;
      }
      if (changed) stale.push(name);
    }
    let evicted = 0;
    for (const k of [...this.byRegion.get(regionKey) ?? []]) {
      if (!seen.has(k)) {
        this.remove(k);
        evicted++;
      }
    }
    if (options.detailRefreshMs === void 0) {
      for (const [name] of latest) {
        const e = this.entries.get(key(account, region, name));
        if (e && !stale.includes(name) && now - e.hydratedAt > this.deps.detailRefreshMs) stale.push(name);
      }
    }
    return { stale, evicted };
  }
  /**
   * Notes each function's published-version CodeSize from a `FunctionVersion=ALL` listing (functions listed with only
   * `$LATEST` have none). The refresh scheduler compares AccountUsage.TotalCodeSize against what it already knows.
   */
  notePublishedSizes(account, region, listed) {
    const sums = /* @__PURE__ */ new Map();
    for (const f of listed) {
      const k = key(account, region, f.FunctionName);
      sums.set(k, (sums.get(k) ?? 0) + (f.Version && f.Version !== "$LATEST" ? f.CodeSize ?? 0 : 0));
    }
    for (const [k, n] of sums) if (this.entries.has(k)) this.publishedSizes.set(k, n);
  }
  /** Summed published-version CodeSize of one account/region's functions, as far as reads and listings have seen. */
  publishedCodeSize(account, region) {
    let n = 0;
    for (const k of this.byRegion.get(`${account}\0${region}`) ?? []) n += this.publishedSizes.get(k) ?? 0;
    return n;
  }
  /** Names and read times of one account/region's entries (the refresh scheduler orders its sweep by them). */
  entriesOf(account, region) {
    const out = [];
    for (const k of this.byRegion.get(`${account}\0${region}`) ?? []) {
      const e = this.entries.get(k);
      if (e) out.push({ name: e.fn.functionName, hydratedAt: e.hydratedAt });
    }
    return out;
  }
  /** The function an event source mapping belongs to, from cached details (for events that name only the mapping). */
  functionOfMapping(account, region, uuid) {
    for (const k of this.byRegion.get(`${account}\0${region}`) ?? []) {
      const e = this.entries.get(k);
      if (e?.fn.eventSourceMappings?.some((m) => m.uuid === uuid)) return e.fn.functionName;
    }
    return void 0;
  }
  /**
   * Re-reads one function now (after a write, an event, `POST /cache/aws/function`); undefined when it does not exist
   * (the entry is evicted). `send` replaces the inventory's sender (the scheduler passes its paced one).
   */
  async refreshFunction(account, region, name, options = {}) {
    const client2 = this.deps.aws.client(LambdaClient2, account, region);
    try {
      return await this.hydrate(client2, account, region, name, options.send);
    } catch (err) {
      if (err.name === "ResourceNotFoundException") {
        this.evict(account.name, region, name);
        return void 0;
      }
      throw err;
    }
  }
  evict(account, region, name) {
    this.remove(key(account, region, name));
  }
  /** When the function was last read from AWS (ms), if cached. */
  cachedAt(account, region, name) {
    return this.entries.get(key(account, region, name))?.hydratedAt;
  }
  get(account, region, name) {
    return this.entries.get(key(account, region, name))?.fn;
  }
  /** Functions of the given accounts, optionally filtered. */
  list(filter) {
    if (filter.account && filter.region && filter.functionName) {
      const fn = filter.accounts.has(filter.account) ? this.get(filter.account, filter.region, filter.functionName) : void 0;
      return fn ? [fn] : [];
    }
    const out = [];
    for (const e of this.entries.values()) {
      const f = e.fn;
      if (!filter.accounts.has(f.account)) continue;
      if (filter.account && f.account !== filter.account) continue;
      if (filter.region && f.region !== filter.region) continue;
      if (filter.functionName && f.functionName !== filter.functionName) continue;
      out.push(f);
    }
    return out;
  }
  /** Functions of one application (moniker tag, else the name's app part). */
  forApplication(app, accounts) {
    const keys = this.byApp.get(app.toLowerCase());
    if (!keys) return [];
    const out = [];
    for (const k of keys) {
      const f = this.entries.get(k)?.fn;
      if (f && accounts.has(f.account)) out.push(f);
    }
    return out;
  }
  /** Puts a prepared model in (tests and benchmarks fill a large inventory this way). */
  put(fn) {
    const k = key(fn.account, fn.region, fn.functionName);
    this.store(k, fn, { revisionId: fn.revisionId, lastModified: fn.lastModified });
  }
  async hydrate(client2, account, region, name, sendWith) {
    const send = sendWith ?? this.deps.send;
    const got = await send(client2, new GetFunctionCommand({ FunctionName: name }));
    const c2 = got.Configuration;
    const versions = [];
    let marker;
    do {
      const p = await send(client2, new ListVersionsByFunctionCommand({ FunctionName: name, ...marker ? { Marker: marker } : {} }));
      versions.push(...p.Versions ?? []);
      marker = p.NextMarker;
    } while (marker);
    const aliases = [];
    marker = void 0;
    do {
      const p = await send(client2, new ListAliasesCommand({ FunctionName: name, ...marker ? { Marker: marker } : {} }));
      aliases.push(...p.Aliases ?? []);
      marker = p.NextMarker;
    } while (marker);
    const mappings = [];
    for (const target of [c2.FunctionArn, ...aliases.map((a) => a.AliasArn)]) {
      marker = void 0;
      do {
        const p = await send(client2, new ListEventSourceMappingsCommand({ FunctionName: target, ...marker ? { Marker: marker } : {} }));
        for (const m of p.EventSourceMappings ?? []) if (!mappings.some((x) => x.UUID === m.UUID)) mappings.push(m);
        marker = p.NextMarker;
      } while (marker);
    }
    let policy;
    try {
      policy = (await send(client2, new GetPolicyCommand2({ FunctionName: name }))).Policy;
    } catch (err) {
      if (err.name !== "ResourceNotFoundException") throw err;
    }
    const tags = got.Tags ?? {};
    const moniker = monikerOf(name, tags);
    const fn = {
      ...toCamel(c2),
      functionName: name,
      account: account.name,
      region,
      cloudProvider: "aws",
      ...got.Code ? { code: toCamel(got.Code) } : {},
      tags,
      ...got.Concurrency ? { concurrency: toCamel(got.Concurrency) } : {},
      revisions: Object.fromEntries(versions.filter((v) => v.RevisionId).map((v) => [v.RevisionId, v.Version])),
      aliasConfigurations: aliases.map((a) => toCamel(a)),
      eventSourceMappings: mappings.map((m) => toCamel(m)),
      targetGroups: targetGroupsFromPolicy(policy).map((t) => targetGroupName(t.arn)),
      moniker
    };
    this.store(key(account.name, region, name), fn, { revisionId: c2.RevisionId, lastModified: c2.LastModified });
    this.publishedSizes.set(key(account.name, region, name), versions.reduce((n, v) => n + (v.Version && v.Version !== "$LATEST" ? v.CodeSize ?? 0 : 0), 0));
    return fn;
  }
  store(k, fn, v) {
    const e = this.index(k, fn, v, this.now());
    this.db?.put(k, e);
  }
  index(k, fn, v, hydratedAt) {
    this.unindex(k);
    const app = (fn.moniker?.app ?? monikerOf(fn.functionName, fn.tags).app)?.toLowerCase();
    this.changes++;
    const entry = { fn, ...app ? { app } : {}, ...v.revisionId ? { revisionId: v.revisionId } : {}, ...v.lastModified ? { lastModified: v.lastModified } : {}, hydratedAt };
    this.entries.set(k, entry);
    if (app) (this.byApp.get(app) ?? this.byApp.set(app, /* @__PURE__ */ new Set()).get(app)).add(k);
    const rk = `${fn.account}\0${fn.region}`;
    (this.byRegion.get(rk) ?? this.byRegion.set(rk, /* @__PURE__ */ new Set()).get(rk)).add(k);
    return entry;
  }
  remove(k) {
    this.publishedSizes.delete(k);
    if (this.unindex(k)) this.db?.del(k);
  }
  unindex(k) {
    const e = this.entries.get(k);
    if (!e) return false;
    this.changes++;
    this.entries.delete(k);
    if (e.app) this.byApp.get(e.app)?.delete(k);
    this.byRegion.get(`${e.fn.account}\0${e.fn.region}`)?.delete(k);
    return true;
  }
};

// packages/lambda/src/listRuntimes.ts
import { Runtime } from "@aws-sdk/client-lambda";
var RUNTIME_DEPRECATION = {
  nodejs: "retired",
  "nodejs4.3": "retired",
  "nodejs4.3-edge": "retired",
  "nodejs6.10": "retired",
  "nodejs8.10": "retired",
  "nodejs10.x": "retired",
  "nodejs12.x": "retired",
  "nodejs14.x": "retired",
  "nodejs16.x": "2024-06-12",
  "nodejs18.x": "2025-09-01",
  "nodejs20.x": "2026-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs24.x": null,
  "nodejs26.x": null,
  "python2.7": "retired",
  "python3.6": "retired",
  "python3.7": "retired",
  "python3.8": "2024-10-14",
  "python3.9": "2025-12-15",
  "python3.10": "2026-10-31",
  "python3.11": "2027-06-30",
  "python3.12": "2028-10-31",
  "python3.13": "2029-06-30",
  "python3.14": null,
  "python3.15": null,
  "ruby2.5": "retired",
  "ruby2.7": "retired",
  "ruby3.2": "2026-03-31",
  "ruby3.3": "2027-03-31",
  "ruby3.4": null,
  "ruby4.0": null,
  java8: "2024-01-08",
  "java8.al2": "2026-06-30",
  "java8.al2023": null,
  java11: "2026-06-30",
  "java11.al2023": null,
  java17: "2026-06-30",
  "java17.al2023": null,
  java21: "2029-06-30",
  java25: null,
  "dotnetcore1.0": "retired",
  "dotnetcore2.0": "retired",
  "dotnetcore2.1": "retired",
  "dotnetcore3.1": "2023-04-03",
  dotnet6: "2024-12-20",
  dotnet8: "2026-11-10",
  dotnet10: null,
  "go1.x": "2024-01-08",
  provided: "2024-01-08",
  "provided.al2": "2026-06-30",
  "provided.al2023": null
};
function runtimeFamily(runtime) {
  if (runtime.startsWith("provided")) return "provided";
  if (runtime.startsWith("dotnet")) return "dotnet";
  return /^[a-z]+/.exec(runtime)?.[0] ?? runtime;
}
function versionKey(runtime) {
  return (runtime.match(/\d+/g) ?? []).map(Number);
}
function listRuntimes(now = /* @__PURE__ */ new Date()) {
  const today = now.toISOString().slice(0, 10);
  return Object.values(Runtime).map((runtime) => {
    const entry = RUNTIME_DEPRECATION[runtime];
    const date = entry && entry !== "retired" ? entry : void 0;
    return {
      runtime,
      family: runtimeFamily(runtime),
      // A runtime the table does not know yet is served as not deprecated (the test catches it first).
      deprecated: entry === "retired" || date !== void 0 && date <= today,
      ...date ? { deprecationDate: date } : {}
    };
  }).sort((a, b) => {
    if (a.family !== b.family) return a.family.localeCompare(b.family);
    const ka = versionKey(a.runtime);
    const kb = versionKey(b.runtime);
    for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
      const d = (kb[i] ?? -1) - (ka[i] ?? -1);
      if (d) return d;
    }
    return a.runtime.localeCompare(b.runtime);
  });
}
var KNOWN_RUNTIMES = new Set(Object.values(Runtime));

// packages/lambda/src/keyedLock.ts
function createKeyedLock() {
  const tails = /* @__PURE__ */ new Map();
  return async (key2, work) => {
    const before = tails.get(key2) ?? Promise.resolve();
    const run = before.catch(() => {
    }).then(work);
    const tail = run.catch(() => {
    });
    tails.set(key2, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key2) === tail) tails.delete(key2);
    }
  };
}

// packages/lambda/src/operations/CreateLambdaFunction.ts
import { CreateFunctionCommand } from "@aws-sdk/client-lambda";

// packages/lambda/src/aws/resolveCode.ts
import { createHash as createHash2 } from "node:crypto";
import { GetObjectCommand } from "@aws-sdk/client-s3";
var ARTIFACT_TYPES = ["s3/object", "http/file", "embedded/base64", "docker/image"];
function parseS3Reference(ref) {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(ref);
  return m ? { bucket: m[1], key: m[2] } : void 0;
}
async function resolveCode(ctx, input, field) {
  const a = input.artifact;
  if (a) {
    const ref = a.reference ?? "";
    switch (a.type) {
      case "s3/object": {
        const s3 = parseS3Reference(ref);
        if (!s3) throw new InputError("Validation Failed", { errors: [{ field: `${field}.reference`, message: "expected s3://bucket/key" }] });
        return {
          code: { S3Bucket: s3.bucket, S3Key: s3.key, ...a.version ? { S3ObjectVersion: a.version } : {} },
          source: `${ref}${a.version ? `#${a.version}` : ""}`
        };
      }
      case "docker/image":
        return { code: { ImageUri: ref }, source: ref };
      default: {
        const bytes = await ctx.fetchArtifact(a, ctx.config.maxArtifactBytes);
        return { code: { ZipFile: bytes }, source: `sha256:${sha(bytes)}` };
      }
    }
  }
  if (input.imageUri) return { code: { ImageUri: input.imageUri }, source: input.imageUri };
  if (input.s3bucket && input.s3key) return { code: { S3Bucket: input.s3bucket, S3Key: input.s3key }, source: `s3://${input.s3bucket}/${input.s3key}` };
  return void 0;
}
async function readS3Object(ctx, ref, maxBytes) {
  const s3 = parseS3Reference(ref);
  if (!s3) throw new InputError("Validation Failed", { errors: [{ field: "$.body.payloadArtifact.reference", message: "expected s3://bucket/key" }] });
  const out = await ctx.send(ctx.s3(), new GetObjectCommand({ Bucket: s3.bucket, Key: s3.key }));
  const bytes = Buffer.from(await out.Body?.transformToByteArray() ?? new Uint8Array());
  if (bytes.length > maxBytes) throw new InputError(`artifact ${ref} is larger than ${maxBytes} bytes`);
  return bytes;
}
function sha(b) {
  return createHash2("sha256").update(b).digest("hex").slice(0, 32);
}

// packages/lambda/src/aws/waitUntilFunctionReady.ts
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
async function waitUntilFunctionReady(ctx, functionName, options) {
  return waitUntil(
    `function ${functionName} to become Active`,
    async () => {
      const c2 = await ctx.send(ctx.lambda, new GetFunctionConfigurationCommand({ FunctionName: functionName }));
      if (c2.State === "Failed" || c2.State === "Inactive" && options.requireSuccess)
        return { state: "FAILURE", reason: `Failed to stabilize function with state: ${c2.State} and reason: ${c2.StateReason ?? "none given"}` };
      if (c2.State !== "Active" && c2.State !== "Inactive") return { state: "RETRY", reason: `state ${c2.State}` };
      if (c2.LastUpdateStatus === "InProgress") return { state: "RETRY", reason: "last update in progress" };
      if (c2.LastUpdateStatus === "Failed" && options.requireSuccess)
        return { state: "FAILURE", reason: `update failed: ${c2.LastUpdateStatusReason ?? "no reason given"} (${c2.LastUpdateStatusReasonCode ?? ""})` };
      return { state: "SUCCESS", value: c2 };
    },
    { minDelayMs: 1e3, maxDelayMs: 1e4, maxWaitMs: ctx.config.stabilizeTimeoutSeconds * 1e3, sleep: (ms) => ctx.sleep(ms), now: () => ctx.now() }
  );
}
async function sendWhenReady(ctx, functionName, command, attempts = 5) {
  for (let i = 1; ; i++) {
    try {
      return await ctx.send(ctx.lambda, command);
    } catch (err) {
      if (err.name !== "ResourceConflictException" || i >= attempts) throw err;
      await ctx.status(`${functionName} is being changed by someone else; waiting before retrying`);
      await waitUntilFunctionReady(ctx, functionName, { requireSuccess: false });
    }
  }
}

// packages/lambda/src/operations/functionSettings.ts
var set = (v) => v !== void 0 && v !== null;
function toFunctionConfiguration(d) {
  const c2 = {};
  if (set(d.description)) c2.Description = d.description;
  if (set(d.handler)) c2.Handler = d.handler;
  if (set(d.role)) c2.Role = d.role;
  if (set(d.runtime)) c2.Runtime = d.runtime;
  if (set(d.layers)) c2.Layers = d.layers;
  if (set(d.memorySize)) c2.MemorySize = d.memorySize;
  if (set(d.timeout)) c2.Timeout = d.timeout;
  if (set(d.envVariables)) c2.Environment = { Variables: d.envVariables };
  if (set(d.subnetIds) || set(d.securityGroupIds)) c2.VpcConfig = { SubnetIds: d.subnetIds ?? [], SecurityGroupIds: d.securityGroupIds ?? [] };
  if (set(d.deadLetterConfig) && set(d.deadLetterConfig.targetArn)) c2.DeadLetterConfig = { TargetArn: d.deadLetterConfig.targetArn };
  if (set(d.tracingConfig) && set(d.tracingConfig.mode)) c2.TracingConfig = { Mode: d.tracingConfig.mode };
  if (set(d.kmskeyArn)) c2.KMSKeyArn = d.kmskeyArn;
  if (set(d.imageConfig))
    c2.ImageConfig = {
      ...set(d.imageConfig.command) ? { Command: d.imageConfig.command } : {},
      ...set(d.imageConfig.entryPoint) ? { EntryPoint: d.imageConfig.entryPoint } : {},
      ...set(d.imageConfig.workingDirectory) ? { WorkingDirectory: d.imageConfig.workingDirectory } : {}
    };
  if (set(d.ephemeralStorage) && set(d.ephemeralStorage.size)) c2.EphemeralStorage = { Size: d.ephemeralStorage.size };
  if (set(d.snapStart) && set(d.snapStart.applyOn)) c2.SnapStart = { ApplyOn: d.snapStart.applyOn };
  if (set(d.loggingConfig)) {
    const l = d.loggingConfig;
    c2.LoggingConfig = {
      ...set(l.logFormat) ? { LogFormat: l.logFormat } : {},
      ...set(l.applicationLogLevel) ? { ApplicationLogLevel: l.applicationLogLevel } : {},
      ...set(l.systemLogLevel) ? { SystemLogLevel: l.systemLogLevel } : {},
      ...set(l.logGroup) ? { LogGroup: l.logGroup } : {}
    };
  }
  return c2;
}
function configDifferences(want, have) {
  const diffs = [];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const sorted = (x) => [...x ?? []].sort();
  if (want.Description !== void 0 && want.Description !== (have.Description ?? "")) diffs.push("description");
  if (want.Handler !== void 0 && want.Handler !== have.Handler) diffs.push("handler");
  if (want.Role !== void 0 && want.Role !== have.Role) diffs.push("role");
  if (want.Runtime !== void 0 && want.Runtime !== have.Runtime) diffs.push("runtime");
  if (want.MemorySize !== void 0 && want.MemorySize !== have.MemorySize) diffs.push("memorySize");
  if (want.Timeout !== void 0 && want.Timeout !== have.Timeout) diffs.push("timeout");
  if (want.Layers !== void 0 && !same(want.Layers, (have.Layers ?? []).map((l) => l.Arn))) diffs.push("layers");
  if (want.Environment !== void 0 && !same(want.Environment.Variables ?? {}, have.Environment?.Variables ?? {})) diffs.push("envVariables");
  if (want.VpcConfig !== void 0 && (!same(sorted(want.VpcConfig.SubnetIds), sorted(have.VpcConfig?.SubnetIds)) || !same(sorted(want.VpcConfig.SecurityGroupIds), sorted(have.VpcConfig?.SecurityGroupIds))))
    diffs.push("subnetIds/securityGroupIds");
  if (want.DeadLetterConfig !== void 0 && want.DeadLetterConfig.TargetArn !== have.DeadLetterConfig?.TargetArn) diffs.push("deadLetterConfig");
  if (want.TracingConfig !== void 0 && want.TracingConfig.Mode !== (have.TracingConfig?.Mode ?? "PassThrough")) diffs.push("tracingConfig");
  if (want.KMSKeyArn !== void 0 && want.KMSKeyArn !== have.KMSKeyArn) diffs.push("kmskeyArn");
  if (want.EphemeralStorage !== void 0 && want.EphemeralStorage.Size !== (have.EphemeralStorage?.Size ?? 512)) diffs.push("ephemeralStorage");
  if (want.SnapStart !== void 0 && want.SnapStart.ApplyOn !== (have.SnapStart?.ApplyOn ?? "None")) diffs.push("snapStart");
  if (want.ImageConfig !== void 0) {
    const h = have.ImageConfigResponse?.ImageConfig ?? {};
    const w = want.ImageConfig;
    if (w.Command && !same(w.Command, h.Command) || w.EntryPoint && !same(w.EntryPoint, h.EntryPoint) || w.WorkingDirectory !== void 0 && w.WorkingDirectory !== h.WorkingDirectory)
      diffs.push("imageConfig");
  }
  if (want.LoggingConfig !== void 0) {
    const h = have.LoggingConfig ?? {};
    const w = want.LoggingConfig;
    const keys = ["LogFormat", "ApplicationLogLevel", "SystemLogLevel", "LogGroup"];
    if (keys.some((k) => w[k] !== void 0 && w[k] !== h[k])) diffs.push("loggingConfig");
  }
  return diffs;
}

// packages/lambda/src/operations/functionExtras.ts
import {
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  UpdateFunctionUrlConfigCommand
} from "@aws-sdk/client-lambda";
async function applyFunctionUrl(ctx, name, url2) {
  let exists = true;
  try {
    await ctx.send(ctx.lambda, new GetFunctionUrlConfigCommand({ FunctionName: name }));
  } catch (err) {
    if (err.name !== "ResourceNotFoundException") throw err;
    exists = false;
  }
  if (url2.enabled === false) {
    if (exists) {
      await ctx.send(ctx.lambda, new DeleteFunctionUrlConfigCommand({ FunctionName: name }));
      await ctx.status(`Deleted the function URL of ${name}`);
    }
    return;
  }
  const c2 = url2.cors;
  const cors = c2 ? {
    ...c2.allowCredentials != null ? { AllowCredentials: c2.allowCredentials } : {},
    ...c2.allowHeaders ? { AllowHeaders: c2.allowHeaders } : {},
    ...c2.allowMethods ? { AllowMethods: c2.allowMethods } : {},
    ...c2.allowOrigins ? { AllowOrigins: c2.allowOrigins } : {},
    ...c2.exposeHeaders ? { ExposeHeaders: c2.exposeHeaders } : {},
    ...c2.maxAge != null ? { MaxAge: c2.maxAge } : {}
  } : void 0;
  const named = {
    FunctionName: name,
    ...url2.authType ? { AuthType: url2.authType } : {},
    ...url2.invokeMode ? { InvokeMode: url2.invokeMode } : {},
    ...cors ? { Cors: cors } : {}
  };
  if (exists) {
    const out = await ctx.send(ctx.lambda, new UpdateFunctionUrlConfigCommand(named));
    await ctx.status(`Updated the function URL of ${name} (auth ${out?.AuthType ?? url2.authType ?? "unchanged"})`);
  } else {
    const input = { AuthType: "AWS_IAM", ...named };
    await ctx.send(ctx.lambda, new CreateFunctionUrlConfigCommand(input));
    await ctx.status(`Created the function URL of ${name} (auth ${input.AuthType})`);
  }
}
async function applyAsyncInvokeConfig(ctx, name, cfg) {
  const dest = cfg.destinationConfig;
  let exists = true;
  try {
    await ctx.send(ctx.lambda, new GetFunctionEventInvokeConfigCommand({ FunctionName: name }));
  } catch (err) {
    if (err.name !== "ResourceNotFoundException") throw err;
    exists = false;
  }
  const Command = exists ? UpdateFunctionEventInvokeConfigCommand : PutFunctionEventInvokeConfigCommand;
  await ctx.send(
    ctx.lambda,
    new Command({
      FunctionName: name,
      ...cfg.maximumRetryAttempts != null ? { MaximumRetryAttempts: cfg.maximumRetryAttempts } : {},
      ...cfg.maximumEventAgeInSeconds != null ? { MaximumEventAgeInSeconds: cfg.maximumEventAgeInSeconds } : {},
      ...dest ? {
        DestinationConfig: {
          ...dest.onSuccess?.destination ? { OnSuccess: { Destination: dest.onSuccess.destination } } : {},
          ...dest.onFailure?.destination ? { OnFailure: { Destination: dest.onFailure.destination } } : {}
        }
      } : {}
    })
  );
  await ctx.status(`${exists ? "Updated" : "Set"} the asynchronous invocation config of ${name}`);
}

// packages/lambda/src/operations/functionTags.ts
var CODE_SOURCE_TAG = "outrigger.io/code-source";
function tagsFor(ctx, d, name, codeSource) {
  return {
    ...ctx.config.setMonikerTags && d.appName ? monikerTags(d.appName, name) : {},
    ...d.tags ?? {},
    ...codeSource ? { [CODE_SOURCE_TAG]: codeSource.slice(0, 256) } : {}
  };
}

// packages/lambda/src/aws/getFunction.ts
import { GetFunctionCommand as GetFunctionCommand2 } from "@aws-sdk/client-lambda";
async function getFunction(ctx, name, qualifier) {
  try {
    return await ctx.send(ctx.lambda, new GetFunctionCommand2({ FunctionName: name, ...qualifier ? { Qualifier: qualifier } : {} }));
  } catch (err) {
    if (err.name === "ResourceNotFoundException") return void 0;
    throw err;
  }
}
async function requireFunction(ctx, name, qualifier) {
  const f = await getFunction(ctx, name, qualifier);
  if (!f?.Configuration) throw new NotFoundError(`No such lambda found: ${name}${qualifier ? `:${qualifier}` : ""} (account ${ctx.account.name}, region ${ctx.region})`);
  return f;
}

// packages/lambda/src/operations/CreateLambdaFunction.ts
async function createLambdaFunction(ctx, d, name) {
  await ctx.status(`Initializing Creation of AWS Lambda Function Operation...`);
  const config2 = toFunctionConfiguration(d);
  const code = await resolveCode(ctx, d, "$.body");
  const existing = await getFunction(ctx, name);
  const extras = async (functionArn) => {
    const targetGroups = targetGroupList(d.targetGroups);
    if (targetGroups?.length) await syncTargetGroups(ctx, name, functionArn, targetGroups, "$.body.targetGroups");
    if (d.functionUrl) await applyFunctionUrl(ctx, name, d.functionUrl);
    if (d.asyncInvokeConfig) await applyAsyncInvokeConfig(ctx, name, d.asyncInvokeConfig);
  };
  if (existing?.Configuration) {
    const have = existing.Configuration;
    const diffs = configDifferences(config2, have);
    if (d.architectures && JSON.stringify([...d.architectures].sort()) !== JSON.stringify([...have.Architectures ?? ["x86_64"]].sort())) diffs.push("architectures");
    const wantPackage = d.packageType ?? (code?.code.ImageUri ? "Image" : code ? "Zip" : void 0);
    if (wantPackage && wantPackage !== (have.PackageType ?? "Zip")) diffs.push("packageType");
    const codeSource = existing.Tags?.[CODE_SOURCE_TAG];
    const codeSame = code === void 0 || codeSource === code.source || code.code.ImageUri !== void 0 && existing.Code?.ImageUri === code.code.ImageUri;
    if (!codeSame) diffs.push("code");
    if (diffs.length) {
      throw new ConflictError(
        `Function ${name} already exists with a different ${diffs.join(", ")}; use updateLambdaFunctionConfiguration / updateLambdaFunctionCode (or a Deploy stage, which updates existing functions)`
      );
    }
    await ctx.status(`Function ${name} already exists with the requested code and configuration; adopting it`);
    await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
    await extras(have.FunctionArn);
    await ctx.refresh(name);
    return { ...toCamel(have), functionName: name, functionArn: have.FunctionArn, version: have.Version, state: have.State, created: false, adopted: true };
  }
  const packageType = d.packageType ?? (code?.code.ImageUri ? "Image" : "Zip");
  const created = await ctx.send(
    ctx.lambda,
    new CreateFunctionCommand({
      FunctionName: name,
      ...config2,
      Role: config2.Role,
      PackageType: packageType,
      Code: code?.code ?? {},
      ...d.architectures ? { Architectures: d.architectures } : {},
      Publish: d.publish ?? false,
      Tags: tagsFor(ctx, d, name, code?.source)
    })
  );
  await ctx.status(`Created ${name} (${packageType}); waiting for it to become Active`);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
  await extras(created.FunctionArn);
  await ctx.refresh(name);
  await ctx.status(`Finished Creation of AWS Lambda Function Operation...`);
  return { ...toCamel(created), functionName: name, functionArn: created.FunctionArn, version: created.Version, state: "Active", created: true };
}

// packages/lambda/src/operations/DeleteLambdaFunction.ts
import { DeleteFunctionCommand } from "@aws-sdk/client-lambda";
async function deleteLambdaFunction(ctx, d, name) {
  await ctx.status(`Initializing deletion of AWS Lambda Function Operation...`);
  const qualifier = d.qualifier && d.qualifier !== "$LATEST" ? d.qualifier : void 0;
  const label = `${name}${qualifier ? `:${qualifier}` : ""}`;
  const gone = async () => {
    if (qualifier) await ctx.refresh(name);
    else ctx.evict(name);
    await ctx.status(`Function ${label} does not exist (account ${ctx.account.name}, region ${ctx.region}); nothing to delete`);
    return { functionName: name, ...qualifier ? { version: qualifier } : {}, deleted: false };
  };
  const current = await getFunction(ctx, name, qualifier);
  if (!current?.Configuration) return gone();
  if (!qualifier) await deregisterAll(ctx, name, current.Configuration.FunctionArn);
  try {
    await ctx.send(ctx.lambda, new DeleteFunctionCommand({ FunctionName: name, ...qualifier ? { Qualifier: qualifier } : {} }));
  } catch (err) {
    if (err.name === "ResourceNotFoundException") return gone();
    throw err;
  }
  if (qualifier) await ctx.refresh(name);
  else ctx.evict(name);
  await ctx.status(`Finished deletion of AWS Lambda Function Operation...`);
  return { functionName: name, functionArn: current.Configuration.FunctionArn, ...qualifier ? { version: qualifier } : {}, deleted: true };
}

// packages/lambda/src/operations/DeleteLambdaFunctionAlias.ts
import { DeleteAliasCommand, GetAliasCommand } from "@aws-sdk/client-lambda";
async function deleteLambdaFunctionAlias(ctx, d, name) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Alias Operation...`);
  try {
    await ctx.send(ctx.lambda, new GetAliasCommand({ FunctionName: name, Name: d.aliasName }));
  } catch (err) {
    if (err.name === "ResourceNotFoundException") throw new NotFoundError(`No such alias found: ${name}:${d.aliasName}`);
    throw err;
  }
  await ctx.send(ctx.lambda, new DeleteAliasCommand({ FunctionName: name, Name: d.aliasName }));
  await ctx.refresh(name);
  await ctx.status(`Deleted alias ${d.aliasName} of ${name}`);
  return { functionName: name, aliasName: d.aliasName, deleted: true };
}

// packages/lambda/src/operations/DeleteLambdaFunctionEventMapping.ts
import { DeleteEventSourceMappingCommand } from "@aws-sdk/client-lambda";

// packages/lambda/src/aws/findEventSourceMapping.ts
import { ListEventSourceMappingsCommand as ListEventSourceMappingsCommand2 } from "@aws-sdk/client-lambda";
var unsetIfNegative = (v) => v === null || v === void 0 || v < 0 ? void 0 : v;
var isStreamSource = (arn) => /^arn:aws[a-z-]*:(kinesis|dynamodb|kafka):/.test(arn);
async function findEventSourceMapping(ctx, target, d) {
  let marker;
  do {
    const page = await ctx.send(
      ctx.lambda,
      new ListEventSourceMappingsCommand2({ FunctionName: target, EventSourceArn: d.eventSourceArn, ...marker ? { Marker: marker } : {} })
    );
    const hit = (page.EventSourceMappings ?? []).find((m) => d.uuid ? m.UUID === d.uuid : m.EventSourceArn === d.eventSourceArn);
    if (hit) return hit;
    marker = page.NextMarker;
  } while (marker);
  return void 0;
}
async function findMappingOfFunction(ctx, functionArn, d) {
  const ofFunction = (m) => {
    const arn = m.FunctionArn ?? "";
    if (d.qualifier) return arn === `${functionArn}:${d.qualifier}`;
    return arn === functionArn || arn.startsWith(`${functionArn}:`);
  };
  const all = [];
  let marker;
  do {
    const page = await ctx.send(
      ctx.lambda,
      new ListEventSourceMappingsCommand2({ EventSourceArn: d.eventSourceArn, ...marker ? { Marker: marker } : {} })
    );
    all.push(...(page.EventSourceMappings ?? []).filter(ofFunction));
    marker = page.NextMarker;
  } while (marker);
  if (d.uuid) return all.find((m) => m.UUID === d.uuid);
  return all.find((m) => m.FunctionArn === functionArn) ?? all[0];
}

// packages/lambda/src/operations/DeleteLambdaFunctionEventMapping.ts
async function deleteLambdaFunctionEventMapping(ctx, d, name) {
  await ctx.status(`Initializing Deletion of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const base = f.Configuration.FunctionArn.replace(/:(\$LATEST|\d+)$/, "");
  const target = `${base}${d.qualifier ? `:${d.qualifier}` : ""}`;
  const existing = await findMappingOfFunction(ctx, base, d);
  if (!existing) {
    await ctx.status(`No event source mapping of ${d.eventSourceArn} on ${target}; nothing to delete`);
    return { functionName: name, eventSourceArn: d.eventSourceArn, deleted: false };
  }
  try {
    await ctx.send(ctx.lambda, new DeleteEventSourceMappingCommand({ UUID: existing.UUID }));
  } catch (err) {
    if (err.name !== "ResourceNotFoundException") throw err;
  }
  await ctx.refresh(name);
  await ctx.status(`Deleted event source mapping ${existing.UUID}`);
  return { functionName: name, eventSourceArn: d.eventSourceArn, uuid: existing.UUID, deleted: true };
}

// packages/lambda/src/operations/DeleteLambdaProvisionedConcurrency.ts
import { DeleteProvisionedConcurrencyConfigCommand } from "@aws-sdk/client-lambda";
async function deleteLambdaProvisionedConcurrency(ctx, d, name) {
  await ctx.status(`Initializing Deleting of AWS Lambda Function Provisioned Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(ctx.lambda, new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: d.qualifier }));
  await ctx.refresh(name);
  await ctx.status(`Finished Deleting of AWS Lambda Function Provisioned Concurrency Operation...`);
  return { functionName: name, qualifier: d.qualifier };
}

// packages/lambda/src/operations/DeleteLambdaReservedConcurrency.ts
import { DeleteFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
async function deleteLambdaReservedConcurrency(ctx, _d, name) {
  await ctx.status(`Initializing Deleting of AWS Lambda Function Reserved Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(ctx.lambda, new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
  await ctx.refresh(name);
  await ctx.status(`Finished Deleting of AWS Lambda Function Reserved Concurrency Operation...`);
  return { functionName: name };
}

// packages/lambda/src/operations/InvokeLambdaFunction.ts
import { InvokeCommand } from "@aws-sdk/client-lambda";
var MAX_PAYLOAD = 6 * 1024 * 1024;
async function payloadOf(ctx, d) {
  const a = d.payloadArtifact;
  if (a) {
    const ref = a.reference ?? "";
    if (a.type === "s3/object") return readS3Object(ctx, ref, MAX_PAYLOAD);
    return ctx.fetchArtifact(a, MAX_PAYLOAD);
  }
  return d.payload != null ? Buffer.from(d.payload, "utf8") : void 0;
}
async function invokeLambdaFunction(ctx, d, name) {
  await ctx.status(`Initializing Invoking AWS Lambda Function Operation...`);
  const payload = await payloadOf(ctx, d);
  const type = d.invocationType ?? "RequestResponse";
  const timeoutMs = d.timeout != null && d.timeout > 0 ? d.timeout * 1e3 : ctx.config.invokeTimeoutMs;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let out;
  try {
    out = await ctx.send(
      ctx.lambda,
      new InvokeCommand({
        FunctionName: name,
        Qualifier: d.qualifier ?? "$LATEST",
        InvocationType: type,
        ...type === "RequestResponse" ? { LogType: "Tail" } : {},
        ...payload ? { Payload: payload } : {}
      }),
      abort.signal
    );
  } catch (err) {
    if (abort.signal.aborted) throw new UpstreamError("lambda", `Lambda Invocation did not finish on time (${timeoutMs} ms)`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const responseString = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
  const logs = out.LogResult ? Buffer.from(out.LogResult, "base64").toString("utf8") : void 0;
  await ctx.status(`Invoked ${name} (${type}): status ${out.StatusCode}${out.FunctionError ? `, function error ${out.FunctionError}` : ""}`);
  await ctx.status(`Finished Invoking of AWS Lambda Function Operation...`);
  return {
    functionName: name,
    invocationType: type,
    invokeResult: {
      statusCode: out.StatusCode,
      ...out.FunctionError ? { functionError: out.FunctionError } : {},
      ...out.LogResult ? { logResult: out.LogResult } : {},
      ...out.ExecutedVersion ? { executedVersion: out.ExecutedVersion } : {},
      payload: responseString
    },
    responseString,
    ...logs !== void 0 ? { logs } : {}
  };
}

// packages/lambda/src/operations/PublishLambdaFunctionVersion.ts
import { PublishVersionCommand } from "@aws-sdk/client-lambda";
async function publishLambdaFunctionVersion(ctx, d, name) {
  await ctx.status(`Initializing Publishing of AWS Lambda Function Version Operation...`);
  await requireFunction(ctx, name);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const out = await sendWhenReady(
    ctx,
    name,
    new PublishVersionCommand({ FunctionName: name, ...d.description ? { Description: d.description } : {}, ...d.revisionId ? { RevisionId: d.revisionId } : {} })
  );
  await ctx.refresh(name);
  await ctx.status(`Published version ${out.Version} of ${name}`);
  return { ...toCamel(out), functionName: name, functionArn: out.FunctionArn, version: out.Version };
}

// packages/lambda/src/operations/PutLambdaProvisionedConcurrency.ts
import { GetProvisionedConcurrencyConfigCommand, PutProvisionedConcurrencyConfigCommand } from "@aws-sdk/client-lambda";
async function putLambdaProvisionedConcurrency(ctx, d, name) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Provisioned Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(
    ctx.lambda,
    new PutProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: d.qualifier, ProvisionedConcurrentExecutions: d.provisionedConcurrentExecutions })
  );
  await ctx.status(`Requested ${d.provisionedConcurrentExecutions} provisioned executions on ${name}:${d.qualifier}; waiting for READY`);
  const ready = await waitUntil(
    `provisioned concurrency of ${name}:${d.qualifier} to become READY`,
    async () => {
      const c2 = await ctx.send(ctx.lambda, new GetProvisionedConcurrencyConfigCommand({ FunctionName: name, Qualifier: d.qualifier }));
      if (c2.Status === "READY") return { state: "SUCCESS", value: c2 };
      if (c2.Status === "FAILED") return { state: "FAILURE", reason: c2.StatusReason ?? "FAILED" };
      return { state: "RETRY", reason: c2.Status ?? "unknown" };
    },
    { minDelayMs: 2e3, maxDelayMs: 15e3, maxWaitMs: ctx.config.stabilizeTimeoutSeconds * 1e3, sleep: (ms) => ctx.sleep(ms), now: () => ctx.now() }
  );
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Provisioned Concurrency Operation...`);
  return { functionName: name, qualifier: d.qualifier, provisionedConcurrentExecutions: d.provisionedConcurrentExecutions, status: ready.Status };
}

// packages/lambda/src/operations/PutLambdaReservedConcurrency.ts
import { PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
async function putLambdaReservedConcurrency(ctx, d, name) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Reserved Concurrency Operation...`);
  await requireFunction(ctx, name);
  await ctx.send(ctx.lambda, new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: d.reservedConcurrentExecutions }));
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Reserved Concurrency Operation...`);
  return { functionName: name, reservedConcurrentExecutions: d.reservedConcurrentExecutions };
}

// packages/lambda/src/operations/UpdateLambdaFunctionCode.ts
import { TagResourceCommand, UpdateFunctionCodeCommand } from "@aws-sdk/client-lambda";
async function updateLambdaFunctionCode(ctx, d, name) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Code Operation...`);
  const current = await requireFunction(ctx, name);
  const code = await resolveCode(ctx, d, "$.body");
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const out = await sendWhenReady(
    ctx,
    name,
    new UpdateFunctionCodeCommand({
      FunctionName: name,
      ...code.code.S3Bucket ? { S3Bucket: code.code.S3Bucket, S3Key: code.code.S3Key, ...code.code.S3ObjectVersion ? { S3ObjectVersion: code.code.S3ObjectVersion } : {} } : {},
      ...code.code.ZipFile ? { ZipFile: code.code.ZipFile } : {},
      ...code.code.ImageUri ? { ImageUri: code.code.ImageUri } : {},
      ...d.architectures ? { Architectures: d.architectures } : {},
      Publish: d.publish ?? false
    })
  );
  await ctx.status(`Updated code of ${name}; waiting for the update to finish`);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
  await ctx.send(ctx.lambda, new TagResourceCommand({ Resource: current.Configuration.FunctionArn, Tags: { [CODE_SOURCE_TAG]: code.source.slice(0, 256) } }));
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Code Operation...`);
  return { ...toCamel(out), functionName: name, functionArn: out.FunctionArn, version: out.Version, state: "Active" };
}

// packages/lambda/src/operations/UpdateLambdaFunctionConfiguration.ts
import { TagResourceCommand as TagResourceCommand2, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
async function updateLambdaFunctionConfiguration(ctx, d, name) {
  await ctx.status(`Initializing Updating of AWS Lambda Function Configuration Operation...`);
  const current = await requireFunction(ctx, name);
  await waitUntilFunctionReady(ctx, name, { requireSuccess: false });
  const config2 = toFunctionConfiguration(d);
  let result = current.Configuration;
  if (Object.keys(config2).length) {
    result = await sendWhenReady(ctx, name, new UpdateFunctionConfigurationCommand({ FunctionName: name, ...config2 }));
    await ctx.status(`Updated configuration of ${name}; waiting for the update to finish`);
    await waitUntilFunctionReady(ctx, name, { requireSuccess: true });
  }
  const tags = tagsFor(ctx, d, name);
  if (Object.keys(tags).length) await ctx.send(ctx.lambda, new TagResourceCommand2({ Resource: current.Configuration.FunctionArn, Tags: tags }));
  const targetGroups = targetGroupList(d.targetGroups);
  if (targetGroups !== void 0) await syncTargetGroups(ctx, name, current.Configuration.FunctionArn, targetGroups, "$.body.targetGroups");
  if (d.functionUrl) await applyFunctionUrl(ctx, name, d.functionUrl);
  if (d.asyncInvokeConfig) await applyAsyncInvokeConfig(ctx, name, d.asyncInvokeConfig);
  await ctx.refresh(name);
  await ctx.status(`Finished Updating of AWS Lambda Function Configuration Operation...`);
  const c2 = toCamel(result);
  return { ...c2, functionName: name, functionArn: current.Configuration.FunctionArn, version: "$LATEST", state: "Active" };
}

// packages/lambda/src/operations/UpsertLambdaFunctionAlias.ts
import { CreateAliasCommand, GetAliasCommand as GetAliasCommand2, UpdateAliasCommand } from "@aws-sdk/client-lambda";
async function upsertLambdaFunctionAlias(ctx, d, name) {
  await ctx.status(`Initializing Upserting of AWS Lambda Function Alias Operation...`);
  await requireFunction(ctx, name);
  let existing;
  try {
    existing = await ctx.send(ctx.lambda, new GetAliasCommand2({ FunctionName: name, Name: d.aliasName }));
  } catch (err) {
    if (err.name !== "ResourceNotFoundException") throw err;
  }
  const weights = d.minorFunctionVersion && d.weightToMinorFunctionVersion != null && d.weightToMinorFunctionVersion > 0 ? { [d.minorFunctionVersion]: d.weightToMinorFunctionVersion } : {};
  const input = {
    FunctionName: name,
    Name: d.aliasName,
    FunctionVersion: d.majorFunctionVersion ?? existing?.FunctionVersion ?? "$LATEST",
    ...d.aliasDescription != null ? { Description: d.aliasDescription } : {},
    RoutingConfig: { AdditionalVersionWeights: weights }
  };
  const out = await ctx.send(ctx.lambda, existing ? new UpdateAliasCommand(input) : new CreateAliasCommand(input));
  await ctx.refresh(name);
  await ctx.status(`${existing ? "Updated" : "Created"} alias ${d.aliasName} of ${name} \u2192 ${input.FunctionVersion}${Object.keys(weights).length ? ` (+${d.minorFunctionVersion} at ${d.weightToMinorFunctionVersion})` : ""}`);
  return { ...toCamel(out), functionName: name, aliasName: d.aliasName };
}

// packages/lambda/src/operations/UpsertLambdaFunctionEventMapping.ts
import { CreateEventSourceMappingCommand, UpdateEventSourceMappingCommand } from "@aws-sdk/client-lambda";
async function upsertLambdaFunctionEventMapping(ctx, d, name) {
  await ctx.status(`Initializing Creation of AWS Lambda Function Event Source Mapping...`);
  const f = await requireFunction(ctx, name);
  const target = `${f.Configuration.FunctionArn.replace(/:(\$LATEST|\d+)$/, "")}${d.qualifier ? `:${d.qualifier}` : ""}`;
  const stream = isStreamSource(d.eventSourceArn);
  const dest = d.destinationConfig?.onFailure?.destination;
  const common = {
    ...d.batchsize != null ? { BatchSize: d.batchsize } : {},
    ...d.enabled != null ? { Enabled: d.enabled } : {},
    ...unsetIfNegative(d.maxBatchingWindowSecs) !== void 0 ? { MaximumBatchingWindowInSeconds: unsetIfNegative(d.maxBatchingWindowSecs) } : {},
    ...stream ? {
      ...d.bisectBatchOnError != null ? { BisectBatchOnFunctionError: d.bisectBatchOnError } : {},
      ...unsetIfNegative(d.maxRecordAgeSecs) !== void 0 ? { MaximumRecordAgeInSeconds: unsetIfNegative(d.maxRecordAgeSecs) } : {},
      ...unsetIfNegative(d.maxRetryAttempts) !== void 0 ? { MaximumRetryAttempts: unsetIfNegative(d.maxRetryAttempts) } : {},
      ...unsetIfNegative(d.parallelizationFactor) !== void 0 ? { ParallelizationFactor: unsetIfNegative(d.parallelizationFactor) } : {},
      ...unsetIfNegative(d.tumblingWindowSecs) !== void 0 ? { TumblingWindowInSeconds: unsetIfNegative(d.tumblingWindowSecs) } : {},
      ...dest ? { DestinationConfig: { OnFailure: { Destination: dest } } } : {}
    } : {}
  };
  const existing = await findEventSourceMapping(ctx, target, d);
  const out = existing ? await ctx.send(ctx.lambda, new UpdateEventSourceMappingCommand({ UUID: existing.UUID, FunctionName: target, ...common })) : await ctx.send(
    ctx.lambda,
    new CreateEventSourceMappingCommand({
      FunctionName: target,
      EventSourceArn: d.eventSourceArn,
      BatchSize: d.batchsize ?? 1,
      Enabled: d.enabled ?? false,
      ...common,
      ...stream ? { StartingPosition: d.startingPosition ?? "LATEST" } : {}
    })
  );
  await ctx.refresh(name);
  await ctx.status(`${existing ? "Updated" : "Created"} event source mapping ${out.UUID} (${d.eventSourceArn} \u2192 ${target})`);
  return { ...toCamel(out), functionName: name, eventSourceArn: d.eventSourceArn, uuid: out.UUID, state: out.State };
}

// packages/lambda/src/operations/registry.ts
var lambdaOperationTable = {
  createLambdaFunction: { phase: "CREATE_LAMBDA_FUNCTION", run: createLambdaFunction },
  updateLambdaFunctionConfiguration: { phase: "UPDATE_LAMBDA_FUNCTION_CONFIGURATION", run: updateLambdaFunctionConfiguration },
  updateLambdaFunctionCode: { phase: "UPDATE_LAMBDA_FUNCTION_CODE", run: updateLambdaFunctionCode },
  deleteLambdaFunction: { phase: "DELETE_LAMBDA_FUNCTION_CODE", run: deleteLambdaFunction },
  invokeLambdaFunction: { phase: "INVOKE_LAMBDA_FUNCTION", run: invokeLambdaFunction },
  publishLambdaFunctionVersion: { phase: "PUBLISH_LAMBDA_FUNCTION_VERSION", run: publishLambdaFunctionVersion },
  upsertLambdaFunctionAlias: { phase: "UPSERT_LAMBDA_FUNCTION_ALIAS", run: upsertLambdaFunctionAlias },
  deleteLambdaFunctionAlias: { phase: "DELETE_LAMBDA_FUNCTION_ALIAS", run: deleteLambdaFunctionAlias },
  upsertLambdaFunctionEventMapping: { phase: "UPSERT_LAMBDA_FUNCTION_EVENT_MAPPING", run: upsertLambdaFunctionEventMapping },
  deleteLambdaFunctionEventMapping: { phase: "DELETE_LAMBDA_FUNCTION_EVENT_MAPPING", run: deleteLambdaFunctionEventMapping },
  putLambdaReservedConcurrency: { phase: "PUT_LAMBDA_FUNCTION_RESERVED_CONCURRENCY", run: putLambdaReservedConcurrency },
  deleteLambdaReservedConcurrency: { phase: "DELETE_LAMBDA_FUNCTION_RESERVED_CONCURRENCY", run: deleteLambdaReservedConcurrency },
  putLambdaProvisionedConcurrency: { phase: "PUT_LAMBDA_FUNCTION_PROVISIONED_CONCURRENCY", run: putLambdaProvisionedConcurrency },
  deleteLambdaProvisionedConcurrency: { phase: "DELETE_LAMBDA_FUNCTION_PROVISIONED_CONCURRENCY", run: deleteLambdaProvisionedConcurrency }
};

// packages/lambda/src/validateDescription.ts
var ROLE = /^arn:aws[a-zA-Z-]*:iam::\d{12}:role\/[\w+=,.@\-/]+$/;
var ARN = /^arn:aws[a-zA-Z-]*:[a-zA-Z0-9_.-]+:/;
var BUCKET = /^[0-9A-Za-z][0-9A-Za-z.-]{1,61}[0-9A-Za-z]$/;
var FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
var TG_NAME = /^[a-zA-Z0-9-]{1,32}$/;
function validateDescription(op, d, functionName, at, options) {
  const errors = [];
  const err = (field, message) => errors.push({ field: `${at}.${field}`, message });
  const s = (k) => typeof d[k] === "string" ? d[k] : void 0;
  if (!FUNCTION_NAME.test(functionName)) err("functionName", `the function name "${functionName}" (after the application prefix) must be 1-64 letters, digits, - or _`);
  const artifact = d.artifact;
  const payloadArtifact = d.payloadArtifact;
  for (const [name, a] of [["artifact", artifact], ["payloadArtifact", payloadArtifact]]) {
    if (!a) continue;
    if (name === "payloadArtifact" && a.type === "docker/image") err(`${name}.type`, "a docker/image cannot be a payload");
    else if (!ARTIFACT_TYPES.includes(a.type) && !options.clouddriverArtifacts)
      err(`${name}.type`, `unsupported artifact type ${a.type}; use s3/object, http/file or embedded/base64${name === "artifact" ? " (or docker/image)" : ""}, or set clouddriver.baseUrl to fetch other types through clouddriver`);
    if (!a.reference && ARTIFACT_TYPES.includes(a.type)) err(`${name}.reference`, "an artifact reference is required");
    else if (a.type === "s3/object" && !parseS3Reference(a.reference ?? "")) err(`${name}.reference`, "expected s3://bucket/key");
    else if (a.type === "http/file" && !/^https?:\/\//.test(a.reference ?? "")) err(`${name}.reference`, "expected an http(s) URL");
  }
  if (s("role") !== void 0 && !ROLE.test(s("role"))) err("role", "Invalid role. Role ARN must match arn:aws:iam::<12 digits>:role/<name>");
  if (s("runtime") !== void 0 && !KNOWN_RUNTIMES.has(s("runtime"))) err("runtime", `unknown runtime ${s("runtime")}; see GET /functions/runtimes`);
  if (s("s3bucket") !== void 0 && !BUCKET.test(s("s3bucket"))) err("s3bucket", "not a valid S3 bucket name");
  if (s("s3bucket") === void 0 !== (s("s3key") === void 0) && (op === "createLambdaFunction" || op === "updateLambdaFunctionCode"))
    err(s("s3bucket") === void 0 ? "s3bucket" : "s3key", "s3bucket and s3key go together");
  for (const [i, l] of (d.layers ?? []).entries()) if (!ARN.test(l)) err(`layers[${i}]`, "expected a layer version ARN");
  const dlq = d.deadLetterConfig?.targetArn;
  if (dlq && !ARN.test(dlq)) err("deadLetterConfig.targetArn", "expected an SQS queue or SNS topic ARN");
  if (s("kmskeyArn") && !ARN.test(s("kmskeyArn"))) err("kmskeyArn", "expected a KMS key ARN");
  if (s("eventSourceArn") !== void 0 && !ARN.test(s("eventSourceArn"))) err("eventSourceArn", "expected an ARN");
  const tgs = d.targetGroups;
  for (const [i, t] of (typeof tgs === "string" ? tgs.split(",").map((x) => x.trim()).filter(Boolean) : tgs ?? []).entries())
    if (!t.startsWith("arn:") && !TG_NAME.test(t)) err(typeof tgs === "string" ? "targetGroups" : `targetGroups[${i}]`, `"${t}" is neither a target group name nor an ARN`);
  const hasCode = Boolean(s("s3bucket") && s("s3key") || s("imageUri") || artifact);
  if (op === "createLambdaFunction") {
    const image = d.packageType === "Image" || Boolean(s("imageUri")) || artifact?.type === "docker/image";
    if (!s("role")) err("role", "Role ARN is required");
    if (!hasCode) err("s3bucket", "code is required: s3bucket and s3key, imageUri, or artifact");
    if (image) {
      if (s("runtime")) err("runtime", "image functions take their runtime from the image; leave runtime out");
      if (s("handler")) err("handler", "image functions take their handler from the image (use imageConfig.command)");
      if (hasCode && !s("imageUri") && artifact?.type !== "docker/image") err("imageUri", "image functions need imageUri or a docker/image artifact");
    } else {
      if (!s("runtime")) err("runtime", "Runtime is required");
      if (!s("handler")) err("handler", "Handler is required");
      if (artifact?.type === "docker/image" || s("imageUri")) err("packageType", "imageUri needs packageType Image");
    }
  }
  if (op === "updateLambdaFunctionCode" && !hasCode) err("s3bucket", "code is required: s3bucket and s3key, imageUri, or artifact");
  if (op === "upsertLambdaFunctionAlias") {
    const w = d.weightToMinorFunctionVersion;
    if (w != null && w > 0 && !s("minorFunctionVersion")) err("minorFunctionVersion", "a weight needs minorFunctionVersion");
    if (s("minorFunctionVersion") && s("minorFunctionVersion") === s("majorFunctionVersion")) err("minorFunctionVersion", "must differ from majorFunctionVersion");
  }
  return errors;
}

// packages/lambda/src/progressive/bindRolloutRoutes.ts
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { Counter as Counter2, Gauge as Gauge3 } from "prom-client";

// packages/lambda/src/progressive/plans.ts
var canary = (minutes) => [
  { weight: 10, bakeSeconds: minutes * 60 },
  { weight: 100, bakeSeconds: 0 }
];
var linear = (minutes) => [
  ...Array.from({ length: 9 }, (_, i) => ({ weight: (i + 1) * 10, bakeSeconds: minutes * 60 })),
  { weight: 100, bakeSeconds: 0 }
];
var PREDEFINED_PLANS = {
  Canary10Percent5Minutes: canary(5),
  Canary10Percent10Minutes: canary(10),
  Canary10Percent15Minutes: canary(15),
  Canary10Percent30Minutes: canary(30),
  Linear10PercentEvery1Minute: linear(1),
  Linear10PercentEvery2Minutes: linear(2),
  Linear10PercentEvery3Minutes: linear(3),
  Linear10PercentEvery10Minutes: linear(10),
  AllAtOnce: [{ weight: 100, bakeSeconds: 0 }]
};
function planSteps(d) {
  if (d.steps) return d.steps.map((s) => ({ weight: s.weight, bakeSeconds: s.bakeSeconds ?? 0 }));
  return PREDEFINED_PLANS[d.deploymentType ?? "AllAtOnce"].map((s) => ({ ...s }));
}

// packages/lambda/src/progressive/RolloutEngine.ts
import { createHash as createHash3, randomBytes } from "node:crypto";
import {
  DeleteProvisionedConcurrencyConfigCommand as DeleteProvisionedConcurrencyConfigCommand2,
  GetAliasCommand as GetAliasCommand3,
  GetFunctionConfigurationCommand as GetFunctionConfigurationCommand2,
  GetProvisionedConcurrencyConfigCommand as GetProvisionedConcurrencyConfigCommand2,
  InvokeCommand as InvokeCommand3,
  ListVersionsByFunctionCommand as ListVersionsByFunctionCommand2,
  PublishVersionCommand as PublishVersionCommand2,
  PutProvisionedConcurrencyConfigCommand as PutProvisionedConcurrencyConfigCommand2,
  UpdateAliasCommand as UpdateAliasCommand2
} from "@aws-sdk/client-lambda";

// packages/lambda/src/progressive/gates.ts
import { DescribeAlarmsCommand, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand as InvokeCommand2 } from "@aws-sdk/client-lambda";
import { JSONPath } from "jsonpath-plus";
var fmt = (v) => String(Number(v.toPrecision(3)));
async function readAlarms(deps, names) {
  if (!names.length) return [];
  const out = [];
  for (let i = 0; i < names.length; i += 100) {
    const batch = names.slice(i, i + 100);
    const r = await deps.send(deps.cloudwatch(), new DescribeAlarmsCommand({ AlarmNames: batch, AlarmTypes: ["MetricAlarm", "CompositeAlarm"] }));
    const states = /* @__PURE__ */ new Map();
    for (const a of [...r.MetricAlarms ?? [], ...r.CompositeAlarms ?? []]) if (a.AlarmName) states.set(a.AlarmName, a.StateValue ?? "INSUFFICIENT_DATA");
    for (const name of batch) {
      const state = states.get(name);
      if (!state) out.push({ gate: `alarm:${name}`, value: "MISSING", threshold: "ALARM", passed: false, message: `alarm ${name} does not exist in CloudWatch` });
      else out.push({ gate: `alarm:${name}`, value: state, threshold: "ALARM", passed: state !== "ALARM", message: `alarm ${name} is ${state}` });
    }
  }
  return out;
}
var STAT_SUM = "Sum";
var dims = (d, version) => [
  { Name: "FunctionName", Value: d.functionName },
  { Name: "Resource", Value: `${d.functionName}:${d.aliasName}` },
  { Name: "ExecutedVersion", Value: version }
];
async function readMetrics(deps, gates) {
  if (!gates.length) return [];
  const end = deps.now();
  const period = Math.max(...gates.map((g) => g.periodSeconds ?? 60));
  const queries = /* @__PURE__ */ new Map();
  const id = (metric, stat, version) => `m_${metric}_${stat.replace(/\W/g, "_")}_${version === deps.newVersion ? "new" : "old"}`.toLowerCase();
  const want = (metric, stat, version, p) => {
    const k = id(metric, stat, version);
    queries.set(k, { metric, stat, version, period: p });
    return k;
  };
  const plans = gates.map((g) => {
    const mode = g.mode ?? (g.metric === "Duration" ? "absolute" : "rate");
    const stat = g.metric === "Duration" ? g.statistic ?? "p99" : STAT_SUM;
    const p = g.periodSeconds ?? 60;
    const versions = g.comparedToBaseline ? [deps.newVersion, deps.oldVersion] : [deps.newVersion];
    const ids = versions.map((v) => ({ value: want(g.metric, stat, v, p), invocations: want("Invocations", STAT_SUM, v, p) }));
    return { g, mode, stat, ids };
  });
  const start = end - period * 1e3;
  const r = await deps.send(
    deps.cloudwatch(),
    new GetMetricDataCommand({
      StartTime: new Date(start),
      EndTime: new Date(end),
      MetricDataQueries: [...queries.entries()].map(([qid, q]) => ({
        Id: qid,
        ReturnData: true,
        MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: q.metric, Dimensions: dims(deps, q.version) }, Period: period, Stat: q.stat }
      }))
    })
  );
  const values = /* @__PURE__ */ new Map();
  for (const res of r.MetricDataResults ?? []) if (res.Id) values.set(res.Id, res.Values ?? []);
  const total = (qid) => (values.get(qid) ?? []).reduce((a, b) => a + b, 0);
  const worst = (qid) => {
    const v = values.get(qid) ?? [];
    return v.length ? Math.max(...v) : void 0;
  };
  return plans.map(({ g, mode, stat, ids }) => {
    const label = g.metric === "Duration" ? `${stat} Duration` : `${g.metric}${mode === "rate" ? " rate" : ""}`;
    const read = (x) => {
      if (mode === "rate") {
        const inv = total(x.invocations);
        return { inv, v: inv > 0 ? total(x.value) / inv : void 0 };
      }
      return { inv: total(x.invocations), v: stat === STAT_SUM ? total(x.value) : worst(x.value) };
    };
    const mine = read(ids[0]);
    const gate = `metric:${g.metric}`;
    const minInv = g.minInvocations ?? 1;
    if (mine.v === void 0 || mode === "rate" && mine.inv < minInv)
      return { gate, value: null, threshold: g.threshold, passed: true, message: `${label} of version ${deps.newVersion}: no data yet (${mine.inv} invocations in ${g.periodSeconds ?? 60}s)` };
    let threshold = g.threshold;
    let base = "";
    if (g.comparedToBaseline) {
      const old = read(ids[1]);
      threshold = g.threshold + (old.v ?? 0);
      base = ` (old version ${deps.oldVersion}: ${old.v === void 0 ? "no data" : fmt(old.v)} + ${fmt(g.threshold)})`;
    }
    const passed = mine.v <= threshold;
    return { gate, value: mine.v, threshold, passed, message: `${label} of version ${deps.newVersion} is ${fmt(mine.v)}, threshold ${fmt(threshold)}${base}` };
  });
}
function checkResponse(check, payload, functionError) {
  if (functionError) return `FunctionError ${functionError}: ${payload.slice(0, 200)}`;
  if (check.regex != null && !new RegExp(check.regex).test(payload)) return `response does not match /${check.regex}/`;
  if (check.jsonPath != null) {
    let json;
    try {
      json = JSON.parse(payload);
    } catch {
      return "response is not JSON";
    }
    const found = JSONPath({ path: check.jsonPath, json, wrap: true, eval: false });
    if (!found.length) return `${check.jsonPath} is absent`;
    if (check.equals !== void 0) {
      const got = found.length === 1 ? found[0] : found;
      if (JSON.stringify(got) !== JSON.stringify(check.equals)) return `${check.jsonPath} is ${JSON.stringify(got)?.slice(0, 100)}, expected ${JSON.stringify(check.equals)}`;
    }
  }
  return void 0;
}
async function readInvokeCheck(deps, check) {
  const n = check.invocations ?? 1;
  const want = check.successRate ?? 1;
  let ok = 0;
  let firstFailure;
  const payload = new TextEncoder().encode(check.payload ?? "{}");
  for (let i = 0; i < n; i++) {
    let why;
    try {
      const r = await deps.send(deps.lambda, new InvokeCommand2({ FunctionName: deps.functionName, Qualifier: deps.newVersion, InvocationType: "RequestResponse", Payload: payload }));
      why = checkResponse(check, r.Payload ? Buffer.from(r.Payload).toString("utf8") : "", r.FunctionError);
    } catch (err) {
      why = `invoke failed: ${err.name}: ${err.message}`;
    }
    if (why) firstFailure ??= why;
    else ok++;
  }
  const rate = ok / n;
  return {
    gate: "invoke",
    value: rate,
    threshold: want,
    passed: rate >= want,
    message: `invoke check of version ${deps.newVersion}: ${ok}/${n} passed (need ${fmt(want * 100)}%)${firstFailure ? `; first failure: ${firstFailure}` : ""}`
  };
}
async function readGates(deps, gates) {
  if (!gates) return [];
  return [
    ...await readAlarms(deps, gates.alarms ?? []),
    ...await readMetrics(deps, gates.metrics ?? []),
    ...gates.invokeCheck ? [await readInvokeCheck(deps, gates.invokeCheck)] : []
  ];
}

// packages/lambda/src/progressive/RolloutStore.ts
var isActive = (s) => s === "RUNNING" || s === "PAUSED";
var aliasKey = (r) => `${r.account}/${r.region}/${r.functionName}/${r.aliasName}`;
var clone = (v) => structuredClone(v);
var dropUndefined = (p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== void 0));
function merge(r, patch, now) {
  const out = { ...r, ...dropUndefined(patch), updatedAt: now };
  for (const [k, v] of Object.entries(patch)) if (v === null) delete out[k];
  return out;
}
var matches = (r, f) => (!f.accounts || f.accounts.includes(r.account)) && (!f.account || r.account === f.account) && (!f.functionName || r.functionName === f.functionName) && (f.active === void 0 || isActive(r.state) === f.active);
var InMemoryRolloutStore = class {
  rollouts = /* @__PURE__ */ new Map();
  log = /* @__PURE__ */ new Map();
  async create(r) {
    const owner = [...this.rollouts.values()].find((o) => isActive(o.state) && aliasKey(o) === aliasKey(r));
    if (owner) return { created: false, owner: clone(owner) };
    this.rollouts.set(r.id, clone(r));
    this.log.set(r.id, []);
    return { created: true };
  }
  async get(id) {
    const r = this.rollouts.get(id);
    return r && clone(r);
  }
  async list(f) {
    return [...this.rollouts.values()].filter((r) => matches(r, f)).sort((a, b) => b.createdAt - a.createdAt).slice(0, f.limit ?? 100).map(clone);
  }
  async update(id, patch, now) {
    const r = this.rollouts.get(id);
    if (!r) return void 0;
    const next = merge(r, clone(patch), now);
    this.rollouts.set(id, next);
    return clone(next);
  }
  async appendEvents(id, events) {
    this.log.get(id)?.push(...clone(events));
  }
  async events(id) {
    return clone(this.log.get(id) ?? []);
  }
};
var SqliteRolloutStore = class {
  constructor(db) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS lambda_rollouts (
      id TEXT PRIMARY KEY, active_key TEXT UNIQUE, account TEXT NOT NULL, function_name TEXT NOT NULL, state TEXT NOT NULL,
      created_at INTEGER NOT NULL, body TEXT NOT NULL)`);
    db.exec("CREATE TABLE IF NOT EXISTS lambda_rollout_events (rollout_id TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (rollout_id, seq))");
  }
  db;
  async create(r) {
    try {
      this.db.prepare("INSERT INTO lambda_rollouts (id, active_key, account, function_name, state, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)").run(r.id, isActive(r.state) ? aliasKey(r) : null, r.account, r.functionName, r.state, r.createdAt, JSON.stringify(r));
      return { created: true };
    } catch (err) {
      if (!/UNIQUE/.test(err.message)) throw err;
      const row = this.db.prepare("SELECT body FROM lambda_rollouts WHERE active_key = ?").get(aliasKey(r));
      if (!row) throw err;
      return { created: false, owner: JSON.parse(row.body) };
    }
  }
  async get(id) {
    const row = this.db.prepare("SELECT body FROM lambda_rollouts WHERE id = ?").get(id);
    return row ? JSON.parse(row.body) : void 0;
  }
  async list(f) {
    const where = [];
    const args = [];
    if (f.account) where.push("account = ?"), args.push(f.account);
    if (f.functionName) where.push("function_name = ?"), args.push(f.functionName);
    if (f.active !== void 0) where.push(f.active ? "active_key IS NOT NULL" : "active_key IS NULL");
    const rows = this.db.prepare(`SELECT body FROM lambda_rollouts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id`).all(...args);
    return rows.map((r) => JSON.parse(r.body)).filter((r) => matches(r, f)).slice(0, f.limit ?? 100);
  }
  async update(id, patch, now) {
    return transaction(this.db, () => {
      const row = this.db.prepare("SELECT body FROM lambda_rollouts WHERE id = ?").get(id);
      if (!row) return void 0;
      const next = merge(JSON.parse(row.body), patch, now);
      this.db.prepare("UPDATE lambda_rollouts SET body = ?, state = ?, active_key = ? WHERE id = ?").run(JSON.stringify(next), next.state, isActive(next.state) ? aliasKey(next) : null, id);
      return next;
    });
  }
  async appendEvents(id, events) {
    if (!events.length) return;
    transaction(this.db, () => {
      const { n } = this.db.prepare("SELECT COALESCE(MAX(seq), -1) + 1 AS n FROM lambda_rollout_events WHERE rollout_id = ?").get(id);
      const insert = this.db.prepare("INSERT INTO lambda_rollout_events (rollout_id, seq, body) VALUES (?, ?, ?)");
      events.forEach((e, i) => insert.run(id, n + i, JSON.stringify(e)));
    });
  }
  async events(id) {
    const rows = this.db.prepare("SELECT body FROM lambda_rollout_events WHERE rollout_id = ? ORDER BY seq").all(id);
    return rows.map((r) => JSON.parse(r.body));
  }
};
var ROLLOUT_MIGRATIONS = [
  `CREATE TABLE lambda_rollouts (id TEXT PRIMARY KEY, active_key TEXT UNIQUE, account TEXT NOT NULL, function_name TEXT NOT NULL,
     state TEXT NOT NULL, created_at BIGINT NOT NULL, body JSONB NOT NULL);
   CREATE TABLE lambda_rollout_events (rollout_id TEXT NOT NULL, seq BIGSERIAL, body JSONB NOT NULL, PRIMARY KEY (rollout_id, seq));`
];
var PostgresRolloutStore = class {
  constructor(db) {
    this.db = db;
    this.ready = db.migrate("lambda_rollouts", ROLLOUT_MIGRATIONS);
    this.ready.catch(() => {
    });
  }
  db;
  ready;
  async create(r) {
    await this.ready;
    try {
      await this.db.query("INSERT INTO lambda_rollouts (id, active_key, account, function_name, state, created_at, body) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)", [
        r.id,
        isActive(r.state) ? aliasKey(r) : null,
        r.account,
        r.functionName,
        r.state,
        r.createdAt,
        JSON.stringify(r)
      ]);
      return { created: true };
    } catch (err) {
      if (err.code !== "23505") throw err;
      const [row] = await this.db.query("SELECT body FROM lambda_rollouts WHERE active_key = $1", [aliasKey(r)]);
      if (!row) throw err;
      return { created: false, owner: row.body };
    }
  }
  async get(id) {
    await this.ready;
    const [row] = await this.db.query("SELECT body FROM lambda_rollouts WHERE id = $1", [id]);
    return row?.body;
  }
  async list(f) {
    await this.ready;
    const where = [];
    const args = [];
    if (f.account) args.push(f.account), where.push(`account = $${args.length}`);
    if (f.functionName) args.push(f.functionName), where.push(`function_name = $${args.length}`);
    if (f.accounts) args.push([...f.accounts]), where.push(`account = ANY($${args.length})`);
    if (f.active !== void 0) where.push(f.active ? "active_key IS NOT NULL" : "active_key IS NULL");
    args.push(f.limit ?? 100);
    const rows = await this.db.query(
      `SELECT body FROM lambda_rollouts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id LIMIT $${args.length}`,
      args
    );
    return rows.map((r) => r.body);
  }
  async update(id, patch, now) {
    await this.ready;
    const set2 = { ...dropUndefined(patch), updatedAt: now };
    const removed = Object.entries(patch).filter(([, v]) => v === null).map(([k]) => k);
    for (const k of removed) delete set2[k];
    const [row] = await this.db.query(
      `UPDATE lambda_rollouts SET body = (body || $2::jsonb) - $3::text[],
         state = COALESCE(($2::jsonb)->>'state', state)
       WHERE id = $1 RETURNING body`,
      [id, JSON.stringify(set2), removed]
    );
    if (!row) return void 0;
    const active = isActive(row.body.state);
    await this.db.query("UPDATE lambda_rollouts SET active_key = $2 WHERE id = $1", [id, active ? aliasKey(row.body) : null]);
    return row.body;
  }
  async appendEvents(id, events) {
    await this.ready;
    if (!events.length) return;
    await this.db.query("INSERT INTO lambda_rollout_events (rollout_id, body) SELECT $1, e FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n", [
      id,
      JSON.stringify(events)
    ]);
  }
  async events(id) {
    await this.ready;
    const rows = await this.db.query("SELECT body FROM lambda_rollout_events WHERE rollout_id = $1 ORDER BY seq", [id]);
    return rows.map((r) => r.body);
  }
};

// packages/lambda/src/progressive/RolloutEngine.ts
var ROLLOUT_PHASE = "DEPLOY_LAMBDA_PROGRESSIVE";
var HOOK_EVENTS = { beforeHook: "BeforeAllowTraffic", afterHook: "AfterAllowTraffic" };
var RolloutRolledBack = class extends Error {
  name = "RolloutRolledBack";
  retryable = false;
};
var RolloutRefused = class extends Error {
  name = "RolloutRefused";
  retryable = false;
};
var RolloutStuck = class extends Error {
  name = "RolloutStuck";
  retryable = true;
};
var CONFIG_FIELDS = [
  "Runtime",
  "Handler",
  "Role",
  "MemorySize",
  "Timeout",
  "Environment",
  "Layers",
  "VpcConfig",
  "DeadLetterConfig",
  "TracingConfig",
  "KMSKeyArn",
  "Architectures",
  "EphemeralStorage",
  "ImageConfigResponse",
  "SnapStart",
  "LoggingConfig",
  "FileSystemConfigs",
  "PackageType"
];
function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).filter(([k, x]) => x !== void 0 && x !== null && k !== "VpcId" && k !== "Ipv6AllowedForDualStack" && k !== "OptimizationStatus" && k !== "CodeSize" && k !== "SigningJobArn" && k !== "SigningProfileVersionArn").sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)])
    );
  return v;
}
function configurationHash(c2) {
  const picked = Object.fromEntries(CONFIG_FIELDS.map((k) => [k, c2[k]]));
  if (Array.isArray(picked.Layers)) picked.Layers = picked.Layers.map((l) => l.Arn);
  return createHash3("sha256").update(JSON.stringify(canonical(picked))).digest("hex");
}
var asked = (c2) => `${c2.action} requested${c2.by ? ` by ${c2.by}` : ""}${c2.reason ? `: ${c2.reason}` : ""}`;
var weightsOf = (a) => a.RoutingConfig?.AdditionalVersionWeights ?? {};
function createRolloutEngine(deps) {
  const { store } = deps;
  const wakers = /* @__PURE__ */ new Map();
  function wait(id, ms, signal) {
    if (signal.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    return new Promise((resolve2, reject) => {
      const set2 = wakers.get(id) ?? /* @__PURE__ */ new Set();
      wakers.set(id, set2);
      const stop = new AbortController();
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        set2.delete(done);
        signal.removeEventListener("abort", onAbort);
        stop.abort();
        resolve2();
      };
      const onAbort = () => {
        if (settled) return;
        settled = true;
        set2.delete(done);
        stop.abort();
        reject(signal.reason ?? new Error("aborted"));
      };
      set2.add(done);
      signal.addEventListener("abort", onAbort, { once: true });
      deps.sleep(Math.max(0, ms), stop.signal).then(done, done);
    });
  }
  async function run(id, task) {
    let r = await store.get(id);
    if (!r) throw new RolloutRefused(`No rollout ${id} is stored; nothing to run.`);
    const aws2 = deps.aws(r, (line2) => task.updateStatus(ROLLOUT_PHASE, line2));
    const { ctx } = aws2;
    const fn = r.functionName;
    const alias = r.aliasName;
    const d = r.description;
    const intervalMs = (d.gates?.intervalSeconds ?? 60) * 1e3;
    const note = async (e) => {
      const ev = { at: deps.now(), ...e };
      await store.appendEvents(id, [ev]);
      await task.updateStatus(ROLLOUT_PHASE, e.message);
    };
    const save = async (patch) => {
      r = await store.update(id, patch, deps.now()) ?? r;
      return r;
    };
    const reload = async () => {
      r = await store.get(id) ?? r;
      return r;
    };
    const getAlias = () => ctx.send(ctx.lambda, new GetAliasCommand3({ FunctionName: fn, Name: alias }));
    const aliasIs = (a, weight) => {
      const w = weightsOf(a);
      if (weight >= 100) return a.FunctionVersion === r.newVersion && Object.keys(w).length === 0;
      if (weight <= 0) return a.FunctionVersion === r.oldVersion && Object.keys(w).length === 0;
      return a.FunctionVersion === r.oldVersion && Object.keys(w).length === 1 && Math.abs((w[r.newVersion] ?? -1) - weight / 100) < 1e-9;
    };
    const setAlias = (weight) => ctx.send(
      ctx.lambda,
      new UpdateAliasCommand2({
        FunctionName: fn,
        Name: alias,
        FunctionVersion: weight >= 100 ? r.newVersion : r.oldVersion,
        RoutingConfig: { AdditionalVersionWeights: weight > 0 && weight < 100 ? { [r.newVersion]: weight / 100 } : {} }
      })
    );
    const pcOf = async (qualifier) => {
      try {
        return await ctx.send(ctx.lambda, new GetProvisionedConcurrencyConfigCommand2({ FunctionName: fn, Qualifier: qualifier }));
      } catch (err) {
        if (err.name === "ProvisionedConcurrencyConfigNotFoundException" || err.name === "ResourceNotFoundException") return void 0;
        throw err;
      }
    };
    const putPc = async (qualifier, n) => {
      const current = await pcOf(qualifier);
      if (current?.RequestedProvisionedConcurrentExecutions !== n)
        await ctx.send(ctx.lambda, new PutProvisionedConcurrencyConfigCommand2({ FunctionName: fn, Qualifier: qualifier, ProvisionedConcurrentExecutions: n }));
      await waitUntil(
        `provisioned concurrency of ${fn}:${qualifier} to become READY`,
        async () => {
          const c2 = await pcOf(qualifier);
          if (c2?.Status === "READY") return { state: "SUCCESS", value: c2 };
          if (c2?.Status === "FAILED") return { state: "FAILURE", reason: c2.StatusReason ?? "FAILED" };
          return { state: "RETRY", reason: c2?.Status ?? "missing" };
        },
        { minDelayMs: 2e3, maxDelayMs: 15e3, maxWaitMs: ctx.config.stabilizeTimeoutSeconds * 1e3, sleep: deps.sleep, now: deps.now }
      );
    };
    const deletePc = async (qualifier) => {
      if (await pcOf(qualifier)) await ctx.send(ctx.lambda, new DeleteProvisionedConcurrencyConfigCommand2({ FunctionName: fn, Qualifier: qualifier }));
    };
    const restoreProvisioned = async (target) => {
      if (!r.versionProvisioned) return;
      const other = target === r.newVersion ? r.oldVersion : r.newVersion;
      if (r.aliasProvisioned) {
        await deletePc(target);
        await putPc(alias, r.aliasProvisioned);
        await deletePc(other);
        await note({ kind: "provisioned", message: `Restored ${r.aliasProvisioned} provisioned executions on alias ${alias} (version ${target})` });
      } else if (target === r.oldVersion) {
        await deletePc(r.newVersion);
        await note({ kind: "provisioned", message: `Released the provisioned concurrency of version ${r.newVersion}` });
      }
    };
    async function prepare() {
      let a;
      try {
        a = await getAlias();
      } catch (err) {
        if (err.name === "ResourceNotFoundException")
          throw new RolloutRefused(`Alias ${alias} of ${fn} does not exist. Create it on the version serving today, then shift to the new one.`);
        throw err;
      }
      const split = Object.entries(weightsOf(a));
      if (split.length)
        throw new RolloutRefused(
          `Alias ${alias} of ${fn} is already split (${split.map(([v, w]) => `${Math.round(w * 1e3) / 10}% on version ${v}`).join(", ")}) and no outrigger rollout owns it. Finish or undo that split first.`
        );
      const oldVersion = a.FunctionVersion;
      if (oldVersion === "$LATEST") throw new RolloutRefused(`Alias ${alias} of ${fn} points at $LATEST; weighted routing needs published versions. Point it at a version first.`);
      let newVersion;
      const target = d.targetVersion;
      if (target && target !== "$LATEST") {
        try {
          await ctx.send(ctx.lambda, new GetFunctionConfigurationCommand2({ FunctionName: fn, Qualifier: target }));
        } catch (err) {
          if (err.name === "ResourceNotFoundException") throw new RolloutRefused(`Version ${target} of ${fn} does not exist.`);
          throw err;
        }
        newVersion = target;
        await note({ kind: "version", message: `Target version ${newVersion} (alias ${alias} serves version ${oldVersion})` });
      } else {
        newVersion = await publishIfChanged();
      }
      const aliasPc = await pcOf(alias);
      await save({ oldVersion, newVersion, ...aliasPc?.RequestedProvisionedConcurrentExecutions ? { aliasProvisioned: aliasPc.RequestedProvisionedConcurrentExecutions } : {} });
      if (newVersion === oldVersion) return "nothing";
      const alarms = d.gates?.alarms ?? [];
      if (alarms.length) {
        const readings = await readGates(gateDeps(), { alarms });
        const missing = readings.filter((g) => g.value === "MISSING");
        if (missing.length) throw new RolloutRefused(missing.map((m) => m.message).join("; "));
      }
      return "go";
    }
    async function publishIfChanged() {
      const latest = await waitUntilFunctionReady(ctx, fn, { requireSuccess: true });
      const versions = [];
      let marker;
      do {
        const page = await ctx.send(ctx.lambda, new ListVersionsByFunctionCommand2({ FunctionName: fn, ...marker ? { Marker: marker } : {} }));
        versions.push(...page.Versions ?? []);
        marker = page.NextMarker;
      } while (marker);
      const newest = versions.filter((v) => /^\d+$/.test(v.Version ?? "")).sort((x, y) => Number(y.Version) - Number(x.Version))[0];
      if (newest && newest.CodeSha256 === latest.CodeSha256 && configurationHash(newest) === configurationHash(latest)) {
        await note({ kind: "version", message: `$LATEST has the code (CodeSha256 ${latest.CodeSha256}) and configuration of version ${newest.Version}; not publishing` });
        return newest.Version;
      }
      const why = !newest ? "no version published yet" : newest.CodeSha256 !== latest.CodeSha256 ? "code changed" : "configuration changed";
      const out = await ctx.send(
        ctx.lambda,
        new PublishVersionCommand2({
          FunctionName: fn,
          ...latest.CodeSha256 ? { CodeSha256: latest.CodeSha256 } : {},
          ...latest.RevisionId ? { RevisionId: latest.RevisionId } : {},
          ...d.versionDescription ? { Description: d.versionDescription } : {}
        })
      );
      await note({ kind: "version", message: `Published version ${out.Version} of ${fn} (${why} since ${newest ? `version ${newest.Version}` : "creation"})` });
      return out.Version;
    }
    async function provision() {
      const n = d.provisionedConcurrentExecutions ?? r.aliasProvisioned;
      if (!n) return;
      await save({ versionProvisioned: n });
      await note({ kind: "provisioned", message: `Putting ${n} provisioned executions on version ${r.newVersion} and waiting for READY before any traffic moves` });
      await putPc(r.newVersion, n);
      if (r.aliasProvisioned) {
        await putPc(r.oldVersion, r.aliasProvisioned);
        await deletePc(alias);
        await note({ kind: "provisioned", message: `Moved alias ${alias}'s ${r.aliasProvisioned} provisioned executions to version ${r.oldVersion} while traffic shifts` });
      }
      await note({ kind: "provisioned", message: `Provisioned concurrency on version ${r.newVersion} is READY` });
    }
    async function hook(field) {
      const event = HOOK_EVENTS[field];
      const target = field === "beforeHook" ? d.hooks?.beforeAllowTraffic : d.hooks?.afterAllowTraffic;
      if (!target) return void 0;
      const timeoutMs = (d.hooks?.timeoutSeconds ?? 3600) * 1e3;
      let h = r[field];
      if (!h) {
        h = { functionName: target, executionId: randomBytes(24).toString("hex"), status: "Pending" };
        await save({ [field]: h });
      }
      if (!h.invokedAt) {
        await ctx.send(
          ctx.lambda,
          new InvokeCommand3({
            FunctionName: target,
            InvocationType: "Event",
            Payload: new TextEncoder().encode(JSON.stringify({ DeploymentId: id, LifecycleEventHookExecutionId: h.executionId }))
          })
        );
        const now = deps.now();
        await reload();
        h = { ...r[field] ?? h, invokedAt: now };
        await save({ [field]: h });
        await note({ kind: "hook", gate: `hook:${event}`, message: `${event} hook ${target} invoked; waiting up to ${timeoutMs / 1e3}s for its PutLifecycleEventHookExecutionStatus` });
      }
      for (; ; ) {
        await reload();
        h = r[field];
        if (r.control?.action === "rollback") return { kind: "manual", reason: asked(r.control) };
        if (h.status === "Succeeded") {
          await note({ kind: "hook", gate: `hook:${event}`, value: "Succeeded", threshold: "Succeeded", passed: true, message: `${event} hook ${target} reported Succeeded` });
          return void 0;
        }
        if (h.status === "Failed") {
          await note({ kind: "hook", gate: `hook:${event}`, value: "Failed", threshold: "Succeeded", passed: false, message: `${event} hook ${target} reported Failed` });
          return { kind: "hook", reason: `${event} hook ${target} reported Failed (value Failed, threshold Succeeded)` };
        }
        const left = h.invokedAt + timeoutMs - deps.now();
        if (left <= 0) {
          await note({ kind: "hook", gate: `hook:${event}`, value: "Pending", threshold: "Succeeded", passed: false, message: `${event} hook ${target} did not report within ${timeoutMs / 1e3}s` });
          return { kind: "hook", reason: `${event} hook ${target} did not report within ${timeoutMs / 1e3}s (value no report, threshold ${timeoutMs / 1e3}s)` };
        }
        await wait(id, Math.min(left, intervalMs, 15e3), task.signal);
      }
    }
    const gateDeps = () => ({
      functionName: fn,
      aliasName: alias,
      newVersion: r.newVersion,
      oldVersion: r.oldVersion,
      now: deps.now,
      send: (c2, cmd) => ctx.send(c2, cmd),
      lambda: ctx.lambda,
      cloudwatch: aws2.cloudwatch
    });
    async function checkGates() {
      const readings = await readGates(gateDeps(), d.gates);
      if (!readings.length) return void 0;
      const at = deps.now();
      await store.appendEvents(
        id,
        readings.map((g) => ({ at, kind: "gate", step: r.stepIndex, weight: r.weight, gate: g.gate, value: g.value, threshold: g.threshold, passed: g.passed, message: g.message }))
      );
      for (const g of readings) await task.updateStatus(ROLLOUT_PHASE, `${g.passed ? "gate ok" : "GATE FAILED"}: ${g.message}`);
      const failed = readings.find((g) => !g.passed);
      if (!failed) return void 0;
      const kind = failed.gate.startsWith("alarm:") ? "alarm" : failed.gate.startsWith("metric:") ? "metric" : "invoke";
      return { kind, reason: `${failed.message} (gate ${failed.gate}, value ${failed.value ?? "none"}, threshold ${failed.threshold ?? "none"})` };
    }
    async function applyStep(k) {
      const w = r.steps[k].weight;
      if (r.pendingStep !== k) await save({ pendingStep: k, pendingAt: deps.now() });
      const current = await getAlias();
      if (!aliasIs(current, w)) await setAlias(w);
      await save({ stepIndex: k, weight: w, stepStartedAt: deps.now(), pausedMs: 0, pendingStep: null, pendingAt: null });
      await note({ kind: "weight", step: k, weight: w, message: `${alias}: ${w}% on version ${r.newVersion}${w < 100 ? `, ${100 - w}% on version ${r.oldVersion}` : ""} (step ${k + 1} of ${r.steps.length})` });
    }
    async function shift() {
      let checkedAt = -1;
      for (; ; ) {
        await reload();
        if (r.pendingStep !== void 0) {
          await note({ kind: "resumed", step: r.pendingStep, message: `Resuming the weight change of step ${r.pendingStep + 1}` });
          await applyStep(r.pendingStep);
          continue;
        }
        const last = r.steps.length - 1;
        const c2 = r.control;
        if (c2?.action === "rollback") return { kind: "manual", reason: asked(c2) };
        if (c2 && (c2.action === "skip" || c2.action === "promote")) {
          const next = c2.action === "promote" ? last : Math.min(last, r.stepIndex + 1);
          await save({ control: null });
          await note({ kind: "decision", message: `${c2.action === "promote" ? "Promoting to 100%" : "Skipping to the next step"}: ${asked(c2)}` });
          if (next > r.stepIndex) await applyStep(next);
          else if (r.stepIndex === last) return void 0;
          continue;
        }
        const now = deps.now();
        if (r.stepIndex < 0) {
          await applyStep(0);
          continue;
        }
        const step = r.steps[r.stepIndex];
        const pausedFor = r.pausedMs + (r.state === "PAUSED" && r.pausedAt ? now - r.pausedAt : 0);
        const due = r.stepStartedAt + step.bakeSeconds * 1e3 + pausedFor;
        if (r.state === "PAUSED" || now < due) {
          await wait(id, r.state === "PAUSED" ? intervalMs : Math.min(intervalMs, due - now), task.signal);
          const after = await reload();
          if (after.control) continue;
          const failed = await checkGates();
          checkedAt = deps.now();
          if (failed) return failed;
          continue;
        }
        if (step.bakeSeconds > 0 && checkedAt < now) {
          const failed = await checkGates();
          checkedAt = deps.now();
          if (failed) return failed;
        }
        if (r.stepIndex === last) return void 0;
        await note({ kind: "decision", step: r.stepIndex, message: `Step ${r.stepIndex + 1} baked ${step.bakeSeconds}s with every gate passing; moving on` });
        await applyStep(r.stepIndex + 1);
      }
    }
    async function rollBack(o) {
      await save({ phase: "ROLLBACK", rollbackReason: o.reason });
      await note({ kind: "decision", message: `Rolling back: ${o.reason}` });
      try {
        if (r.newVersion && r.oldVersion) {
          const a = await getAlias();
          if (!aliasIs(a, 0)) await setAlias(0);
          await restoreProvisioned(r.oldVersion);
        }
      } catch (err) {
        const msg = `Rolling back ${fn}:${alias} failed (${err.name}: ${err.message}); the rollout still owns the alias and resuming the task retries the rollback.`;
        await note({ kind: "decision", message: msg });
        throw new RolloutStuck(msg, { cause: err });
      }
      await finish("ROLLED_BACK", 0);
      deps.onRollback(o.kind);
      await note({ kind: "finished", message: `${alias} is back on version ${r.oldVersion} with no additional weight` });
      throw new RolloutRolledBack(`Rolled back ${fn}:${alias} to version ${r.oldVersion}: ${o.reason}`);
    }
    async function finish(state, weight) {
      await save({ state, phase: "DONE", weight, pendingStep: null, pendingAt: null, control: null, pausedAt: null });
    }
    const result = () => ({
      rolloutId: id,
      functionName: fn,
      aliasName: alias,
      oldVersion: r.oldVersion,
      newVersion: r.newVersion,
      version: r.newVersion,
      state: r.state,
      weight: r.weight
    });
    if (!isActive(r.state)) {
      if (r.state === "SUCCEEDED") return result();
      throw new RolloutRolledBack(r.rollbackReason ?? `Rollout ${id} ended ${r.state}`);
    }
    try {
      if (r.phase === "ROLLBACK") return await rollBack({ kind: "error", reason: r.rollbackReason ?? "rollback under way when outrigger stopped" });
      if (r.phase === "PREPARE") {
        await note({ kind: "started", message: `Rollout of ${fn}:${alias}: ${r.steps.map((s) => `${s.weight}%${s.bakeSeconds ? `/${s.bakeSeconds}s` : ""}`).join(" \u2192 ")}` });
        if (await prepare() === "nothing") {
          await finish("SUCCEEDED", 100);
          await note({ kind: "finished", message: `${alias} already serves version ${r.newVersion}; nothing to shift` });
          return result();
        }
        await save({ phase: "PROVISION" });
      }
      if (r.phase === "PROVISION") {
        await provision();
        await save({ phase: "BEFORE_ALLOW_TRAFFIC" });
      }
      if (r.phase === "BEFORE_ALLOW_TRAFFIC") {
        const failed = await hook("beforeHook");
        if (failed) return await rollBack(failed);
        await save({ phase: "SHIFT" });
      }
      if (r.phase === "SHIFT") {
        const failed = await shift();
        if (failed) return await rollBack(failed);
        await save({ phase: "AFTER_ALLOW_TRAFFIC" });
      }
      if (r.phase === "AFTER_ALLOW_TRAFFIC") {
        const failed = await hook("afterHook");
        if (failed) return await rollBack(failed);
        await restoreProvisioned(r.newVersion);
        await finish("SUCCEEDED", 100);
        await note({ kind: "finished", message: `${alias} serves version ${r.newVersion} (100%)` });
      }
      return result();
    } catch (err) {
      if (err instanceof RolloutRolledBack || err instanceof RolloutStuck) throw err;
      if (task.signal.aborted) throw Object.assign(new Error(`outrigger stopped during the rollout of ${fn}:${alias}; it continues from step ${r.stepIndex + 1} when resumed`), { retryable: true });
      if (err instanceof RolloutRefused || r.phase === "PREPARE") {
        await finish("FAILED", 0);
        await note({ kind: "finished", message: `Rollout refused: ${err.message}` });
        throw err;
      }
      deps.logger.warn({ err, rollout: id }, "rollout failed; rolling back");
      return await rollBack({ kind: "error", reason: `${err.name}: ${err.message}` });
    }
  }
  return {
    run,
    /** Makes a waiting rollout look at its record now (a control request or a hook report arrived). */
    wake(id) {
      for (const w of [...wakers.get(id) ?? []]) w();
    }
  };
}

// packages/lambda/src/progressive/validateRollout.ts
function validateRollout(d, at = "$.body") {
  const errors = [];
  if (d.deploymentType && d.steps) errors.push({ field: `${at}.steps`, message: "give deploymentType or steps, not both" });
  if (!d.deploymentType && !d.steps) errors.push({ field: `${at}.deploymentType`, message: "required: a CodeDeploy predefined configuration name, or a custom steps list" });
  if (d.steps) {
    let last = 0;
    d.steps.forEach((s, i) => {
      if (s.weight <= last) errors.push({ field: `${at}.steps[${i}].weight`, message: `weights must rise: ${s.weight} after ${last}` });
      last = Math.max(last, s.weight);
    });
    const final = d.steps[d.steps.length - 1];
    if (final.weight !== 100) errors.push({ field: `${at}.steps[${d.steps.length - 1}].weight`, message: "the last step must be 100" });
  }
  if (d.targetVersion != null && d.targetVersion !== "$LATEST" && !/^[1-9][0-9]*$/.test(d.targetVersion))
    errors.push({ field: `${at}.targetVersion`, message: "a published version number, or $LATEST to publish" });
  const check = d.gates?.invokeCheck;
  if (check?.regex != null) {
    try {
      new RegExp(check.regex);
    } catch (e) {
      errors.push({ field: `${at}.gates.invokeCheck.regex`, message: `not a regular expression: ${e.message}` });
    }
  }
  if (check?.jsonPath != null && !check.jsonPath.startsWith("$")) errors.push({ field: `${at}.gates.invokeCheck.jsonPath`, message: "a JSONPath starts with $" });
  if (check && check.equals !== void 0 && check.jsonPath == null) errors.push({ field: `${at}.gates.invokeCheck.jsonPath`, message: "required with equals" });
  d.gates?.metrics?.forEach((m, i) => {
    if (m.mode === "rate" && m.metric === "Duration") errors.push({ field: `${at}.gates.metrics[${i}].mode`, message: "Duration is compared as absolute milliseconds" });
    if ((m.mode ?? (m.metric === "Duration" ? "absolute" : "rate")) === "rate" && m.threshold > 1)
      errors.push({ field: `${at}.gates.metrics[${i}].threshold`, message: "a rate threshold is a fraction between 0 and 1" });
    if (m.statistic != null && m.metric !== "Duration") errors.push({ field: `${at}.gates.metrics[${i}].statistic`, message: "only Duration takes a statistic" });
    if (m.statistic != null && !/^(p\d{1,2}(\.\d+)?|Average|Maximum|Minimum)$/.test(m.statistic))
      errors.push({ field: `${at}.gates.metrics[${i}].statistic`, message: "p50, p90, p99, p99.9, Average, Maximum or Minimum" });
  });
  const fnOf = (v) => v.replace(/^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:/, "").split(":")[0];
  for (const k of ["beforeAllowTraffic", "afterAllowTraffic"]) {
    const h = d.hooks?.[k];
    if (h != null && !/^[A-Za-z0-9_-]{1,64}$/.test(fnOf(h) ?? "")) errors.push({ field: `${at}.hooks.${k}`, message: "a Lambda function name or ARN" });
  }
  return errors;
}

// packages/lambda/src/progressive/bindRolloutRoutes.ts
var ROLLOUT_OPERATION = "deployLambdaProgressive";
function rolloutStoreFor(deps) {
  if (deps.postgres) return new PostgresRolloutStore(deps.postgres);
  if (deps.database) return new SqliteRolloutStore(deps.database);
  return new InMemoryRolloutStore();
}
function createRollouts(deps, router, o) {
  const store = o.store ?? rolloutStoreFor(deps);
  const registry = deps.metrics.registry;
  const rollbacks = registry.getSingleMetric("outrigger_lambda_rollbacks_total") ?? new Counter2({ name: "outrigger_lambda_rollbacks_total", help: "Lambda progressive rollouts rolled back, by the kind of gate that fired", labelNames: ["reason"], registers: [registry] });
  if (!registry.getSingleMetric("outrigger_lambda_rollout_weight")) {
    new Gauge3({
      name: "outrigger_lambda_rollout_weight",
      help: "Percent of an alias\u2019s traffic on the new version, per running rollout",
      labelNames: ["rollout", "account", "region", "function", "alias"],
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await store.list({ active: true, limit: 1e3 })) this.set({ rollout: r.id, account: r.account, region: r.region, function: r.functionName, alias: r.aliasName }, r.weight);
      }
    });
  }
  const accountNamed = (name) => deps.config.aws.accounts.find((a) => a.name === name);
  const engine = createRolloutEngine({
    store,
    logger: deps.logger,
    now: o.now,
    sleep: o.sleep,
    aws: (r, status) => {
      const account = accountNamed(r.account);
      if (!account) throw new InputError(`Account ${r.account} of rollout ${r.id} is no longer configured.`);
      return { ctx: o.contextFor(account, r.region, status), cloudwatch: () => deps.aws.client(CloudWatchClient, account, r.region) };
    },
    onRollback: (kind) => rollbacks.inc({ reason: kind })
  });
  const work = (id) => (ctx) => engine.run(id, ctx);
  deps.tasks.resumable(ROLLOUT_OPERATION, (_input, task) => work(task.id));
  async function start(input) {
    const d = input.body;
    const errors = validateRollout(d);
    if (errors.length) throw new InputError("Validation Failed", { errors });
    const principal = await input.principal();
    const account = deps.authorizer.requireAccount(principal, d.credentials, "WRITE", "$.body.credentials");
    if (!account.lambdaEnabled)
      throw new InputError("AWS Lambda is not enabled for provided account.", { errors: [{ field: "$.body.credentials", message: "lambdaEnabled is false" }] });
    const key2 = { account: account.name, region: d.region, functionName: d.functionName, aliasName: d.aliasName };
    const conflict = (owner) => new ConflictError(`Alias ${d.aliasName} of ${d.functionName} (${account.name}/${d.region}) is being rolled out by ${owner.id} (${owner.state}, ${owner.weight}% on version ${owner.newVersion ?? "?"}); wait for it, or roll it back with POST /lambda/rollouts/${owner.id}/rollback.`);
    if (!input.query.clientRequestId) {
      const [owner] = (await store.list({ account: account.name, functionName: d.functionName, active: true, limit: 1e3 })).filter((r) => aliasKey(r) === aliasKey(key2));
      if (owner) throw conflict(owner);
    }
    let admitted;
    const gate = new Promise((resolve2) => admitted = resolve2);
    const { task, created } = await deps.tasks.submit(
      { operation: ROLLOUT_OPERATION, account: account.name, user: principal.user, input: d, ...input.query.clientRequestId ? { requestId: input.query.clientRequestId } : {} },
      async (ctx) => {
        if (!await gate) throw Object.assign(new Error("Another rollout owns this alias; this one never started."), { name: "RolloutRefused" });
        return engine.run(ctx.taskId, ctx);
      }
    );
    if (created) {
      const now = o.now();
      const steps = planSteps(d);
      const made = await store.create({
        id: task.id,
        ...key2,
        description: d,
        ...d.deploymentType ? { deploymentType: d.deploymentType } : {},
        steps,
        state: "RUNNING",
        phase: "PREPARE",
        weight: 0,
        stepIndex: -1,
        pausedMs: 0,
        createdAt: now,
        updatedAt: now
      });
      if (!made.created) {
        admitted(false);
        throw conflict(made.owner);
      }
      admitted(true);
    }
    return task.id;
  }
  deps.bind(router, "deployLambdaProgressive", async (input) => {
    const id = await start(input);
    return { id, resourceUri: `/task/${id}` };
  });
  deps.bind(router, "startLambdaRollout", async (input) => {
    const id = await start(input);
    input.res.location(`${deps.baseUrl().replace(/\/+$/, "")}/tasks/${id}`);
    return { id, resourceUri: `/task/${id}` };
  });
  const readable = (p) => deps.authorizer.readableAccounts(p).map((a) => a.name);
  async function view(r) {
    const step = r.steps[r.stepIndex];
    const paused = r.pausedMs + (r.state === "PAUSED" && r.pausedAt ? o.now() - r.pausedAt : 0);
    return {
      id: r.id,
      account: r.account,
      region: r.region,
      functionName: r.functionName,
      aliasName: r.aliasName,
      ...r.oldVersion ? { oldVersion: r.oldVersion } : {},
      ...r.newVersion ? { newVersion: r.newVersion } : {},
      ...r.deploymentType ? { deploymentType: r.deploymentType } : {},
      state: r.state,
      phase: r.phase,
      weight: r.weight,
      stepIndex: r.stepIndex,
      steps: r.steps,
      ...r.phase === "SHIFT" && r.state === "RUNNING" && step && r.stepStartedAt !== void 0 && r.stepIndex < r.steps.length - 1 ? { nextShiftAt: r.stepStartedAt + step.bakeSeconds * 1e3 + paused } : {},
      ...r.rollbackReason ? { rollbackReason: r.rollbackReason } : {},
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      events: await store.events(r.id)
    };
  }
  async function load(id, principal, action) {
    const r = await store.get(id);
    if (!r || !readable(principal).includes(r.account)) throw new NotFoundError(`No rollout ${id}.`);
    if (action === "WRITE") deps.authorizer.requireAccount(principal, r.account, "WRITE", "$.path.id");
    return r;
  }
  deps.bind(router, "listLambdaRollouts", async ({ query, principal }) => {
    const rows = await store.list({
      accounts: readable(await principal()),
      ...query.account ? { account: query.account } : {},
      ...query.functionName ? { functionName: query.functionName } : {},
      ...query.active ? { active: query.active === "true" } : {},
      limit: query.limit
    });
    return Promise.all(rows.map(view));
  });
  deps.bind(router, "getLambdaRollout", async ({ params, principal }) => view(await load(params.id, await principal(), "READ")));
  async function control2(id, principal, action, reason) {
    const r = await load(id, principal, "WRITE");
    const now = o.now();
    const refuse = (why2) => new ConflictError(`Rollout ${id} ${why2}; ${action} does not apply.`);
    if (!isActive(r.state)) throw refuse(`has ended (${r.state})`);
    const who = principal.user ? ` by ${principal.user}` : "";
    const why = reason ? `: ${reason}` : "";
    let after;
    if (action === "pause") {
      if (r.state === "PAUSED") throw refuse("is already paused");
      after = await store.update(id, { state: "PAUSED", pausedAt: now }, now);
    } else if (action === "resume") {
      if (r.state !== "PAUSED") throw refuse("is not paused");
      after = await store.update(id, { state: "RUNNING", pausedAt: null, pausedMs: r.pausedMs + (r.pausedAt ? now - r.pausedAt : 0) }, now);
    } else {
      if (r.phase === "ROLLBACK") throw refuse("is rolling back");
      if (action !== "rollback" && r.phase !== "SHIFT") throw refuse(`is in phase ${r.phase}, not shifting traffic`);
      const unpause = r.state === "PAUSED" ? { state: "RUNNING", pausedAt: null, pausedMs: r.pausedMs + (r.pausedAt ? now - r.pausedAt : 0) } : {};
      after = await store.update(id, { ...unpause, control: { action, at: now, ...reason ? { reason } : {}, ...principal.user ? { by: principal.user } : {} } }, now);
    }
    await store.appendEvents(id, [{ at: now, kind: "control", message: `${action} requested${who}${why}` }]);
    await deps.taskStore.appendHistory(id, ROLLOUT_PHASE, `${action} requested${who}${why}`, now).catch(() => {
    });
    engine.wake(id);
    return view(after ?? r);
  }
  const controls = [
    ["pauseLambdaRollout", "pause"],
    ["resumeLambdaRollout", "resume"],
    ["skipLambdaRolloutStep", "skip"],
    ["promoteLambdaRollout", "promote"],
    ["rollbackLambdaRollout", "rollback"]
  ];
  for (const [op, action] of controls) {
    deps.bind(router, op, async ({ params, body, principal }) => control2(params.id, await principal(), action, body?.reason));
  }
  deps.bind(router, "putLifecycleEventHookExecutionStatus", async ({ body }) => {
    const r = await store.get(body.deploymentId);
    const field = r && ["beforeHook", "afterHook"].find((f) => r[f]?.executionId === body.lifecycleEventHookExecutionId);
    if (!r || !field) throw new NotFoundError(`No lifecycle event hook execution ${body.lifecycleEventHookExecutionId} in deployment ${body.deploymentId}.`);
    const h = r[field];
    if (h.status !== "Pending") {
      if (h.status === body.status) return { lifecycleEventHookExecutionId: h.executionId };
      throw new ConflictError(`Lifecycle event hook execution ${h.executionId} already reported ${h.status}.`);
    }
    const now = o.now();
    await store.update(r.id, { [field]: { ...h, status: body.status, reportedAt: now } }, now);
    engine.wake(r.id);
    return { lifecycleEventHookExecutionId: h.executionId };
  });
  return {
    store,
    engine,
    /** Resumes every rollout the store says is active and no live task runs (after a restart or a replica's death). */
    async start() {
      for (const r of await store.list({ active: true, limit: 1e4 })) {
        const task = await deps.taskStore.get(r.id);
        if (task && !task.completed) continue;
        const resumed = await deps.tasks.resume(r.id);
        if (resumed) deps.logger.info({ rollout: r.id, function: r.functionName, alias: r.aliasName, step: r.stepIndex }, "resumed lambda rollout");
        else deps.logger.warn({ rollout: r.id }, "an active lambda rollout could not be resumed (its task is not failed-and-retryable)");
      }
    }
  };
}

// packages/lambda/src/createLambdaProvider.ts
var InvalidAccountException = class extends Error {
  name = "InvalidAccountException";
};
var ARTIFACT_TIMEOUT_MS = 12e4;
async function readLimited(res, what, maxBytes) {
  const len = Number(res.headers.get("content-length") ?? 0);
  if (len > maxBytes) throw new UpstreamError("artifact", `artifact ${what} is ${len} bytes, more than the ${maxBytes} allowed`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > maxBytes) throw new UpstreamError("artifact", `artifact ${what} is more than the ${maxBytes} bytes allowed`);
  return buf;
}
async function defaultFetchViaClouddriver(baseUrl, artifact, maxBytes) {
  const res = await fetch(`${baseUrl.replace(/\/$/, "")}/artifacts/fetch/`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(artifact)
  });
  const what = `${artifact.type} ${artifact.reference ?? artifact.name ?? ""}`;
  if (!res.ok) throw new UpstreamError("clouddriver", `clouddriver could not fetch artifact ${what}: HTTP ${res.status}`);
  return readLimited(res, what, maxBytes);
}
function makeLambdaProvider(options = {}) {
  return (deps) => buildProvider(deps, options);
}
function buildProvider(deps, options) {
  const config2 = parseConfigSection(LambdaConfigSchema, deps.config.lambda, { source: deps.configSource, keyPath: ["lambda"] });
  const sleep = options.sleep ?? ((ms, signal) => new Promise((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
  }));
  const now = options.now ?? (options.clock ? () => options.clock.now() : Date.now);
  const fetchBytes = options.fetchBytes ?? (async (url2, maxBytes) => (await deps.fetchArtifact(url2, { maxBytes, timeoutMs: ARTIFACT_TIMEOUT_MS, field: "$.artifact.reference" })).body);
  const fetchViaClouddriver = options.fetchViaClouddriver ?? defaultFetchViaClouddriver;
  const clouddriverUrl = deps.config.clouddriver.baseUrl;
  const fetchArtifact = async (a, maxBytes) => {
    const ref = a.reference ?? "";
    if (a.type === "embedded/base64") return Buffer.from(ref, "base64");
    const authenticatedHttp = a.type === "http/file" && a.artifactAccount && a.artifactAccount !== "no-auth-http-account";
    if (a.type === "http/file" && !(authenticatedHttp && clouddriverUrl)) return fetchBytes(ref, maxBytes);
    if (!clouddriverUrl) throw new InputError(`artifact type ${a.type} needs clouddriver.baseUrl (outrigger fetches it through clouddriver)`);
    return fetchViaClouddriver(clouddriverUrl, a, maxBytes);
  };
  const send = (client2, command, abortSignal) => sendWithRetry(client2, command, { sleep }, abortSignal);
  const inventory = new FunctionInventory({
    aws: deps.aws,
    logger: deps.logger,
    send,
    concurrency: config2.inventory.concurrency,
    detailRefreshMs: config2.inventory.detailRefreshSeconds * 1e3,
    now,
    ...deps.database ? { database: deps.database } : {}
  });
  options.onInventory?.(inventory);
  const lambdaAccounts = () => deps.config.aws.accounts.filter((a) => a.lambdaEnabled);
  const regionsOf = (a) => (a.regions.length ? a.regions : deps.config.aws.defaultRegions).map((r) => r.name);
  const clock = options.clock ?? realClock;
  const service = createInventoryService({
    provider: deps,
    config: config2,
    inventory,
    send: (client2, command) => sendWithRetry(client2, command, { sleep: options.sleep ?? ((ms) => clock.sleep(ms)) }),
    clock,
    ...options.random ? { random: options.random } : {},
    lanes: lambdaAccounts().flatMap((account) => regionsOf(account).map((region) => ({ account, region })))
  });
  const router = Router2();
  const perFunction = createKeyedLock();
  function contextFor(account, region, status) {
    return {
      account,
      region,
      config: config2,
      lambda: deps.aws.client(LambdaClient3, account, region),
      elb: () => deps.aws.client(ElasticLoadBalancingV2Client, account, region),
      s3: () => deps.aws.client(S3Client, account, region),
      send,
      sleep,
      now,
      status,
      refresh: async (name) => {
        try {
          await service.refreshNow(account, region, name);
        } catch (err) {
          deps.logger.warn({ err, function: name }, "could not refresh the function after a write; the next inventory pass will");
        }
      },
      evict: (name) => inventory.evict(account.name, region, name),
      fetchArtifact
    };
  }
  function nameEntries(entries) {
    const errors = [];
    const named = entries.map((e) => {
      const name = e.op === "createLambdaFunction" ? functionNameFor(e.d.appName, e.d.functionName, config2.prefixApplicationNameToFunction) : e.d.functionName;
      errors.push(...validateDescription(e.op, e.d, name, e.at, { clouddriverArtifacts: Boolean(clouddriverUrl) }));
      return { ...e, name };
    });
    if (errors.length) throw new InputError("Validation Failed", { errors });
    return named;
  }
  const workFor = (named, accounts) => async (tctx) => {
    const results = [];
    for (const [i, e] of named.entries()) {
      const account = accounts[i];
      const { phase, run } = lambdaOperationTable[e.op];
      if (!account.lambdaEnabled) throw new InvalidAccountException("AWS Lambda is not enabled for provided account.");
      const ctx = contextFor(account, e.d.region, (line2) => tctx.updateStatus(phase, line2));
      const work = run;
      results.push(await perFunction(`${account.name}/${e.d.region}/${e.name}`, () => work(ctx, e.d, e.name)));
    }
    return results;
  };
  const resumable = (ops) => !ops.includes("invokeLambdaFunction");
  const resumer = (input) => {
    const named = nameEntries(input.entries);
    const accounts = named.map((e) => {
      const a = deps.config.aws.accounts.find((x) => x.name === e.d.credentials);
      if (!a) throw new InputError(`The account ${e.d.credentials} is no longer configured; this task cannot be resumed.`);
      return a;
    });
    return workFor(named, accounts);
  };
  for (const op of Object.keys(lambdaDescriptionSchemas)) if (resumable([op])) deps.tasks.resumable(op, resumer);
  async function submit(entries, input) {
    const named = nameEntries(entries);
    const principal = await input.principal();
    const accounts = named.map((e) => deps.authorizer.requireAccount(principal, e.d.credentials, "WRITE", `${e.at}.credentials`));
    const ops = named.map((e) => e.op);
    const operation = ops.join(",");
    if (ops.length > 1 && resumable(ops)) deps.tasks.resumable(operation, resumer);
    const { task } = await deps.tasks.submit(
      {
        operation,
        account: accounts[0].name,
        user: principal.user,
        ...resumable(ops) ? { input: { entries } } : {},
        ...input.clientRequestId ? { requestId: input.clientRequestId } : {}
      },
      workFor(named, accounts)
    );
    return { id: task.id, resourceUri: `/task/${task.id}` };
  }
  if (clouddriverUrl) {
    const ownAccounts = new Set(lambdaAccounts().map((a) => a.name));
    const foreignAccount = (d, prefer = "credentials") => {
      const name = describedAccount(d, prefer);
      return name !== void 0 && !ownAccounts.has(name);
    };
    const peek = (isForeign) => forwardForeignRequests({ bodyLimit: deps.config.server.bodyLimit, isForeign });
    router.post(
      "/aws/ops",
      peek(
        (body) => Array.isArray(body) && body.some(
          (e) => e && typeof e === "object" && Object.entries(e).some(([k, d]) => !(k in lambdaDescriptionSchemas) || foreignAccount(d))
        )
      )
    );
    for (const op of Object.keys(lambdaDescriptionSchemas)) router.post(`/aws/ops/${op}`, peek((b) => foreignAccount(b)));
    router.post("/cache/aws/function", peek((b) => foreignAccount(b, "account")));
  }
  for (const op of Object.keys(lambdaDescriptionSchemas)) {
    deps.bind(
      router,
      op,
      async ({ body, query, principal, requestId }) => submit([{ op, d: body, at: "$.body" }], { principal, requestId, clientRequestId: query.clientRequestId })
    );
  }
  deps.bind(router, "submitAwsOperations", async ({ body, query, principal, requestId }) => {
    const entries = body.map((item, i) => {
      const op = Object.keys(item)[0];
      return { op, d: item[op], at: `$.body[${i}].${op}` };
    });
    return submit(entries, { principal, requestId, clientRequestId: query.clientRequestId });
  });
  const rollouts = createRollouts(deps, router, { sleep, now, contextFor, ...options.rolloutStore ? { store: options.rolloutStore } : {} });
  const readable = (p) => new Set(deps.authorizer.readableAccounts(p).filter((a) => a.lambdaEnabled).map((a) => a.name));
  deps.bind(router, "listFunctionRuntimes", () => listRuntimes(new Date(now())));
  deps.bind(
    router,
    "listFunctions",
    async ({ query, principal }) => inventory.list({
      accounts: readable(await principal()),
      ...query.account ? { account: query.account } : {},
      ...query.region ? { region: query.region } : {},
      ...query.functionName ? { functionName: query.functionName } : {}
    })
  );
  const appJson = /* @__PURE__ */ new Map();
  deps.bind(router, "listApplicationFunctions", async ({ params, principal, res }) => {
    const accounts = readable(await principal());
    const key2 = `${params.application.toLowerCase()}\0${[...accounts].sort().join(",")}`;
    let hit = appJson.get(key2);
    if (!hit || hit.version !== inventory.version) {
      hit = { version: inventory.version, body: JSON.stringify(inventory.forApplication(params.application, accounts)) };
      if (appJson.size > 1e3) appJson.clear();
      appJson.set(key2, hit);
    }
    res.status(200).type("application/json").send(hit.body);
    return void 0;
  });
  deps.bind(router, "refreshFunctionCache", async ({ body, principal, res }) => {
    const name = body.account ?? body.credentials;
    const account = deps.authorizer.requireAccount(await principal(), name ?? void 0, "READ", body.account ? "$.body.account" : "$.body.credentials");
    if (!account.lambdaEnabled)
      throw new InputError("AWS Lambda is not enabled for provided account.", { errors: [{ field: "$.body.credentials", message: "lambdaEnabled is false" }] });
    const functionName = functionNameFor(body.appName, body.functionName, config2.prefixApplicationNameToFunction);
    let fn;
    try {
      fn = await service.refreshNow(account, body.region, functionName);
      if (!fn && functionName !== body.functionName) fn = await service.refreshNow(account, body.region, body.functionName);
    } catch (err) {
      throw mapAwsError(err, "lambda");
    }
    const id = `aws:lambdaFunctions:${account.name}:${body.region}:${fn?.functionName ?? functionName}`;
    res.status(fn ? 202 : 200).json({ cachedIdentifiersByType: fn ? { onDemand: [id] } : {}, ...fn ? { function: fn } : {} });
    return void 0;
  });
  deps.bind(router, "getFunctionCacheStatus", async ({ query, principal }) => {
    const m = /^aws:lambdaFunctions:([^:]+):([^:]+):(.+)$/.exec(query.id);
    if (!m) return [];
    const [, account, region, name] = m;
    if (!readable(await principal()).has(account)) return [];
    const at = inventory.cachedAt(account, region, name);
    if (at === void 0) return [];
    return [{ id: query.id, details: { account, region, functionName: name }, cacheTime: at, processedCount: 1, processedTime: at }];
  });
  return {
    name: "lambda",
    router,
    inventory,
    inventoryService: service,
    // The inventory never takes the server DOWN (reads keep serving the last good data). Each region shows its mode
    // (feed or polling, and why), its change feed's status, its last listing and how stale its oldest entry is.
    health: async () => ({
      status: "UP",
      details: { functions: inventory.size, accounts: lambdaAccounts().map((a) => a.name), inventory: service.health() }
    }),
    async start() {
      await rollouts.start();
      await service.start();
    },
    async stop() {
      await service.stop();
    }
  };
}

// packages/lambda/src/__fixtures__/awsBridge.ts
import { createServer } from "node:http";
function toWire(v) {
  if (v instanceof Uint8Array) return { __bytes: Buffer.from(v).toString("base64") };
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
}
function fromWire(v) {
  if (Array.isArray(v)) return v.map(fromWire);
  if (v && typeof v === "object") {
    const o = v;
    if (typeof o.__bytes === "string" && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(o.__bytes, "base64"));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x)]));
  }
  return v;
}

// packages/lambda/src/__fixtures__/rolloutProcess.ts
var bridge = process.env.AWS_BRIDGE_URL;
var exceptions = { ...lambda, ...cw };
function client(name) {
  return {
    async send(command) {
      const res = await fetch(`${bridge}/send`, { method: "POST", body: JSON.stringify({ client: name, command: command.constructor.name, input: toWire(command.input) }) });
      const body = await res.json();
      if (res.ok) return fromWire(body);
      const E = exceptions[body.error.name];
      throw typeof E === "function" && body.error.name.match(/Exception$|^ResourceNotFound$/) ? new E({ message: body.error.message, $metadata: {} }) : Object.assign(new Error(body.error.message), { name: body.error.name });
    }
  };
}
var aws = {
  client(cls) {
    if (cls === lambda.LambdaClient) return client("lambda");
    if (cls === cw.CloudWatchClient) return client("cloudwatch");
    throw new Error(`no bridge for ${cls.name}`);
  }
};
var config = ConfigSchema.parse(JSON.parse(process.env.OUTRIGGER_TEST_CONFIG ?? "{}"));
var c = await composeApp({ config, aws, providers: [makeLambdaProvider({})] });
var server = c.app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", () => r()));
var url = `http://127.0.0.1:${server.address().port}`;
await c.start({ baseUrl: url });
process.stdout.write(`LISTENING ${url}
`);
