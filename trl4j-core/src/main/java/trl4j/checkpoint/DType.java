package trl4j.checkpoint;

import java.util.Locale;

/**
 * Element types a safetensors file may hold that trl4j reads. Floating types are always widened to
 * float32 in Java (DJL's PyTorch engine crashes on BF16 arrays, and we train in FP32); integer types
 * are read as int64.
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4), BOOL(1), U8(1), I8(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this == F32 || this == F16 || this == BF16 || this == F64;
    }

    /** Parses the header spelling ("F32", "BF16", ...); null when the name is unknown. */
    public static DType parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** IEEE 754 half precision → float (exact: every half is representable as a float). */
    public static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal half: value = mant * 2^-24.
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** bfloat16 is the top half of a float32. */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /** float → bfloat16 with round-to-nearest-even (what torch's .to(bfloat16) does). */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) 0x7fc0;
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    /** float → IEEE half with round-to-nearest-even, overflow to infinity (as torch's .half()). */
    public static short floatToHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        if (Float.isNaN(f)) {
            return (short) (sign | 0x7e00);
        }
        float abs = Math.abs(f);
        if (abs >= 65520f) { // rounds to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x1p-14f) {
            // Subnormal (or zero): multiples of 2^-24, rounded half to even by Math.rint.
            int mant = (int) Math.rint(abs * 0x1p24f);
            return (short) (sign | mant);
        }
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = bits & 0x7fffff;
        int half = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
            half++; // may carry into the exponent, which is still correct
        }
        return (short) (sign | half);
    }
}
