// workerd-only members the Worker's code uses, which lib.dom's declarations of the same globals lack.
interface SubtleCrypto {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean;
}
