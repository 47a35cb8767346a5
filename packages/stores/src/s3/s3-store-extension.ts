import { StoreError, type StoreExtension } from "@zarrkit/core";
import { S3Store } from "./s3-store.js";

/** `s3://bucket/prefix` locations; endpoint, region and credentials from the AWS environment. */
export const s3StoreExtension: StoreExtension = {
  kind: "store",
  name: "s3",
  schemes: ["s3"],
  open(url, { writable }) {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
    if (match === null) throw new StoreError(`"${url}" is not an s3://bucket/prefix location`);
    const flag = (process.env.AWS_NO_SIGN_REQUEST ?? "").toLowerCase();
    return new S3Store({
      bucket: match[1]!,
      prefix: decodeURIComponent(match[2]!),
      readOnly: writable !== true,
      anonymous: flag === "true" || flag === "yes" || flag === "1",
    });
  },
};
