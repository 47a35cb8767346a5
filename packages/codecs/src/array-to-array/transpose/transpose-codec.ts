import {
  type ArrayToArrayCodec,
  type ChunkSpec,
  type CodecExtension,
  InvalidMetadataError,
  type JsonObject,
  type NDArray,
  type StridedView,
} from "@zarrkit/core";
import { onlyFields } from "../../config-fields.js";

/**
 * The v3 `transpose` codec. Both directions only permute shape and strides: the permuted view
 * is made contiguous by the array->bytes codec, so decoding never copies here.
 */
export class TransposeCodec implements ArrayToArrayCodec {
  readonly kind = "array_to_array";
  readonly name = "transpose";
  /** Encoded dimension i is decoded dimension order[i]. */
  readonly order: readonly number[];

  constructor(order: readonly number[]) {
    this.order = order;
  }

  static fromConfig(configuration: JsonObject | undefined, spec: ChunkSpec): TransposeCodec {
    onlyFields("transpose", configuration, ["order"]);
    const order = configuration?.order;
    const rank = spec.shape.length;
    if (!Array.isArray(order) || order.length !== rank) {
      throw new InvalidMetadataError(
        `codec "transpose": configuration.order must be a permutation of 0..${rank - 1}, got ${JSON.stringify(order)}`,
      );
    }
    const seen = new Set<number>();
    const perm = order.map((o) => {
      if (typeof o !== "number" || !Number.isInteger(o) || o < 0 || o >= rank || seen.has(o)) {
        throw new InvalidMetadataError(
          `codec "transpose": configuration.order [${order.join(", ")}] is not a permutation of 0..${rank - 1}`,
        );
      }
      seen.add(o);
      return o;
    });
    return new TransposeCodec(perm);
  }

  toConfig() {
    return { name: "transpose", configuration: { order: [...this.order] } };
  }

  encodedSpec(spec: ChunkSpec): ChunkSpec {
    return { ...spec, shape: this.order.map((o) => spec.shape[o]!) };
  }

  encode(chunk: NDArray): NDArray {
    return {
      ...chunk,
      shape: this.order.map((o) => chunk.shape[o]!),
      stride: this.order.map((o) => chunk.stride[o]!),
    };
  }

  /** Encoding is the re-view encodedTarget makes (see encode). */
  readonly encodesByView = true;

  /** Encoded dimension i of the target is its decoded dimension order[i]. */
  encodedTarget(target: StridedView): StridedView {
    return { ...target, stride: this.order.map((o) => target.stride[o]!) };
  }

  decode(chunk: NDArray): NDArray {
    const shape = new Array<number>(this.order.length);
    const stride = new Array<number>(this.order.length);
    this.order.forEach((o, i) => {
      shape[o] = chunk.shape[i]!;
      stride[o] = chunk.stride[i]!;
    });
    return { ...chunk, shape, stride };
  }
}

export const transposeCodecExtension: CodecExtension = {
  kind: "codec",
  name: "transpose",
  codecKind: "array_to_array",
  fromConfig: (configuration, { spec }) => TransposeCodec.fromConfig(configuration, spec),
  samples: [{ order: [1, 0] }, { order: [0, 1] }, { order: [2, 0, 1] }],
  dataTypes: "all",
};
