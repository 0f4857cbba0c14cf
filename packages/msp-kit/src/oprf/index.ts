export { blindInputs, deriveOprfKeyPair, ELEMENT_BYTES, evaluateBatch, evaluateInput, finalizeBatch, generateOprfKeyPair, isValidElement, OPRF_MODE, OPRF_SUITE, OprfError, OUTPUT_BYTES, PROOF_BYTES, type Blinded } from "./voprf.ts";
export { bucket32Of, bucketAt, MAX_BUCKET_BITS, NONCE_BYTES, ONE_BLOCK_RECORD_BYTES, openRecord, padRecordPlaintext, RECORD_BLOCK_BYTES, sameBytes, sealRecord, TAG_BYTES, tagOf } from "./record.ts";
export { blocksOf, BUCKET_PAD_BLOCKS, bucketBitsFor, paddedBlocks, TARGET_BUCKET_LOAD } from "./bucket-rules.ts";
