import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** A real S3-compatible server on 127.0.0.1 (moto's standalone server), for tests. */
export interface TestS3Server {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  /** Credentials it accepts (any, for moto) and the region to use. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly region: string;
  /** Creates a bucket (a fresh name per call unless given). */
  createBucket(name?: string): Promise<string>;
  /** The standard AWS environment variables that point SDKs (and s3:// locations) at it. */
  environment(): Record<string, string>;
  /** Makes every object of `bucket` readable without credentials. */
  makePublic(bucket: string): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The command that runs moto's server: $ZARRKIT_MOTO_SERVER, else `moto_server` on PATH. */
function motoCommand(): string | undefined {
  const command = process.env.ZARRKIT_MOTO_SERVER ?? "moto_server";
  const probe = spawnSync(command, ["--help"], { encoding: "utf8" });
  return probe.status === 0 ? command : undefined;
}

let bucketCounter = 0;

/**
 * Starts moto_server on a free loopback port. Resolves undefined (and says so loudly) when moto
 * is not installed; with ZARRKIT_REQUIRE_PEERS=1 (CI) that is an error instead.
 */
export async function startS3Server(): Promise<TestS3Server | undefined> {
  const command = motoCommand();
  if (command === undefined) {
    const reason = "peer missing: moto_server (pip install 'moto[server]') is not on PATH";
    if (process.env.ZARRKIT_REQUIRE_PEERS === "1")
      throw new Error(`${reason}; ZARRKIT_REQUIRE_PEERS=1 makes this a failure`);
    console.warn(`\n*** SKIPPING S3 tests: ${reason} ***\n`);
    return undefined;
  }
  const port = await freePort();
  const child: ChildProcess = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
    detached: false,
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (true) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok || response.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`moto_server did not start on ${endpoint}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const region = "us-east-1";
  const sdk = await import("@aws-sdk/client-s3");
  const client = new sdk.S3Client({
    endpoint,
    region,
    credentials,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
  });
  return {
    endpoint,
    credentials,
    region,
    environment: () => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    }),
    async createBucket(name) {
      const bucket = name ?? `zarrkit-test-${process.pid}-${++bucketCounter}`;
      await client.send(new sdk.CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    async makePublic(bucket) {
      const policy = {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: "*",
            Action: ["s3:GetObject", "s3:ListBucket"],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
        ],
      };
      await client.send(
        new sdk.PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }),
      );
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      });
    },
  };
}
