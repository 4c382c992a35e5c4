package org.mnistspark.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code application/x-npy} body, NumPy's {@code np.save} format as the SageMaker Python SDK's
 * {@code NumpySerializer} sends it: an N × 28 × 28, N × 1 × 28 × 28 or N × 784 array (one image alone:
 * 28 × 28 or 784) of unsigned or signed integers or floats, C order, values 0-255 (fractions rounded).
 */
final class NpyImages {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Byte order, kind, size: the integer and float types numbers 0-255 come in. */
    private static final Pattern DTYPE = Pattern.compile("([<>|=]?)(u[1248]|i[1248]|f[48])");

    private static final String SHAPES = "send N x 28 x 28, N x 1 x 28 x 28 or N x 784 (one image: 28 x 28 or 784)";

    private NpyImages() {}

    static boolean isNpy(byte[] body) {
        return body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static Invocation read(byte[] body) {
        if (!isNpy(body) || body.length < 10) {
            throw new InvalidInputException("the body is not an npy array: it does not start with \\x93NUMPY and "
                    + "a format version (NumPy's np.save format)");
        }
        int major = body[6] & 0xFF;
        int headerStart = major == 1 ? 10 : 12;
        if (major < 1 || major > 3) {
            throw new InvalidInputException("npy format version " + major + "." + (body[7] & 0xFF) + " is not one "
                    + "np.save writes (1.0, 2.0 or 3.0)");
        }
        if (body.length < headerStart) {
            throw new InvalidInputException("the npy header is cut off after " + body.length + " bytes");
        }
        ByteBuffer little = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? little.getShort(8) & 0xFFFF : little.getInt(8) & 0xFFFFFFFFL;
        if (headerStart + headerLength > body.length) {
            throw new InvalidInputException("the npy header claims " + headerLength + " bytes; the body has only "
                    + (body.length - headerStart) + " after its start");
        }
        int dataStart = headerStart + (int) headerLength;
        String header = new String(
                        body,
                        headerStart,
                        (int) headerLength,
                        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
                .strip();
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shape = SHAPE.matcher(header);
        if (!header.startsWith("{") || !descr.find() || !fortran.find() || !shape.find()) {
            throw new InvalidInputException("the npy header is not a dictionary of 'descr', 'fortran_order' and "
                    + "'shape': " + abbreviated(header));
        }
        Matcher dtype = DTYPE.matcher(descr.group(1));
        if (!dtype.matches()) {
            throw new InvalidInputException("the npy array's dtype '" + descr.group(1) + "' is not taken: send "
                    + "uint8 (|u1), another integer type or float32/float64");
        }
        if (fortran.group(1).equals("True")) {
            throw new InvalidInputException(
                    "the npy array is in Fortran order: send a C-ordered one " + "(np.ascontiguousarray)");
        }
        long[] dims = dims(shape.group(1));
        long images = images(dims, shape.group(1));
        if (images > Invocation.MAX_IMAGES) {
            throw Invocation.tooMany(String.valueOf(images));
        }
        int size = dtype.group(2).charAt(1) - '0';
        long needed = images * DigitModel.PIXELS * size;
        if (body.length - dataStart != needed) {
            throw new InvalidInputException("the npy data is " + (body.length - dataStart) + " bytes; shape ("
                    + shape.group(1).strip() + ") of " + descr.group(1) + " needs " + needed);
        }
        byte[] pixels = new byte[(int) images * DigitModel.PIXELS];
        if (dtype.group(2).equals("u1")) {
            System.arraycopy(body, dataStart, pixels, 0, pixels.length);
        } else {
            ByteOrder order = dtype.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            convert(ByteBuffer.wrap(body, dataStart, (int) needed).slice().order(order), dtype.group(2), pixels);
        }
        return new Invocation(pixels, (int) images, false);
    }

    private static long[] dims(String shape) {
        String[] parts = shape.strip().split("\\s*,\\s*");
        int count = parts[parts.length - 1].isEmpty() ? parts.length - 1 : parts.length; // "(784,)"
        long[] dims = new long[count];
        for (int i = 0; i < count; i++) {
            try {
                dims[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("the npy shape (" + shape.strip() + ") is not a tuple of sizes");
            }
        }
        return dims;
    }

    /** How many images an array of this shape holds. */
    private static long images(long[] dims, String shape) {
        long[] image = switch (dims.length) {
            case 1 -> new long[] {1, dims[0]};
            case 2 ->
                dims[0] == DigitModel.SIDE && dims[1] == DigitModel.SIDE ? new long[] {1, DigitModel.PIXELS} : dims;
            case 3 -> new long[] {dims[0], dims[1] == DigitModel.SIDE ? dims[1] * dims[2] : -1};
            case 4 -> new long[] {dims[0], dims[1] == 1 && dims[2] == DigitModel.SIDE ? dims[2] * dims[3] : -1};
            default -> new long[] {0, -1};
        };
        if (image[1] != DigitModel.PIXELS || image[0] < 0) {
            throw new InvalidInputException("an npy array of shape (" + shape.strip() + ") is not images: " + SHAPES);
        }
        if (image[0] == 0) {
            throw new InvalidInputException("the npy array holds no images");
        }
        return image[0];
    }

    private static void convert(ByteBuffer data, String type, byte[] pixels) {
        for (int i = 0; i < pixels.length; i++) {
            double value = switch (type) {
                case "i1" -> data.get();
                case "u2" -> data.getShort() & 0xFFFF;
                case "i2" -> data.getShort();
                case "u4" -> data.getInt() & 0xFFFFFFFFL;
                case "i4" -> data.getInt();
                case "u8", "i8" -> data.getLong(); // a uint64 above 2^63 reads negative: refused all the same
                case "f4" -> data.getFloat();
                default -> data.getDouble();
            };
            int pixel = Invocation.pixel(value);
            if (pixel < 0) {
                throw new InvalidInputException("the npy array's image " + i / DigitModel.PIXELS + " has " + value
                        + " at pixel " + i % DigitModel.PIXELS + "; pixels are numbers 0-255");
            }
            pixels[i] = (byte) pixel;
        }
    }

    private static String abbreviated(String header) {
        return header.length() <= 120 ? header : header.substring(0, 120) + "…";
    }
}
