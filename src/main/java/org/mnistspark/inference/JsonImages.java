package org.mnistspark.inference;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The images of a JSON body: {@code {"pixels": image}} alone, {@code {"instances": [image, …]}} as
 * TensorFlow Serving and SageMaker's containers take a batch, or a bare list {@code [image, …]}. An image
 * is 784 numbers 0-255 (the 28 × 28 image row by row, white digit on black; fractions are rounded), 28
 * lists of 28 such numbers, or an object {@code {"pixels": …}} of either. Read as a stream, straight into
 * pixels: a batch of 64 images is 50,000 numbers.
 */
final class JsonImages {
    static final String IMAGE = "784 numbers 0-255 (the 28x28 image row by row, white digit on black), 28 lists "
            + "of 28 such numbers, or {\"pixels\": either}";
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int SIDE = DigitModel.SIDE;

    private JsonImages() {}

    static Invocation read(byte[] body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            Invocation.Builder images = new Invocation.Builder();
            JsonToken first = parser.nextToken();
            boolean single;
            if (first == JsonToken.START_ARRAY) {
                readList(parser, images, "");
                single = false;
            } else if (first == JsonToken.START_OBJECT) {
                single = readObject(parser, images);
            } else {
                throw new InvalidInputException(needs());
            }
            if (parser.nextToken() != null) {
                throw new InvalidInputException("the body holds more than one JSON value");
            }
            return images.build(single);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("the body is not valid JSON: " + e.getMessage());
        }
    }

    private static String needs() {
        return "the JSON needs \"pixels\": one image, or \"instances\": a list of images; an image is " + IMAGE;
    }

    /** The top object's "pixels" or "instances" (other fields are ignored); whether it was one image. */
    private static boolean readObject(JsonParser parser, Invocation.Builder images) throws IOException {
        Boolean single = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.getCurrentName();
            JsonToken value = parser.nextToken();
            if (!name.equals("pixels") && !name.equals("instances")) {
                parser.skipChildren();
                continue;
            }
            if (single != null) {
                throw new InvalidInputException("the JSON holds both \"pixels\" and \"instances\", or one twice: send "
                        + "one image as \"pixels\" or a list as \"instances\"");
            }
            single = name.equals("pixels");
            if (single) {
                readImage(parser, images, "\"pixels\"");
            } else if (value == JsonToken.START_ARRAY) {
                readList(parser, images, "\"instances\"");
            } else {
                throw new InvalidInputException("\"instances\" is " + text(parser) + "; it is a list of images");
            }
        }
        if (single == null) {
            throw new InvalidInputException(needs());
        }
        return single;
    }

    private static void readList(JsonParser parser, Invocation.Builder images, String name) throws IOException {
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            readImage(parser, images, name + "[" + index + "]");
            index++;
        }
        if (index == 0) {
            throw new InvalidInputException((name.isEmpty() ? "the list" : name) + " holds no images");
        }
    }

    /** One image, at its first token: a list of numbers or rows, or {"pixels": …}. */
    private static void readImage(JsonParser parser, Invocation.Builder images, String where) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            readPixels(parser, images, where);
            return;
        }
        boolean found = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.getCurrentName();
            parser.nextToken();
            if (name.equals("pixels") && !found) {
                readPixels(parser, images, where);
                found = true;
            } else {
                parser.skipChildren();
            }
        }
        if (!found) {
            throw new InvalidInputException(where + " has no \"pixels\"; an image is " + IMAGE);
        }
    }

    private static void readPixels(JsonParser parser, Invocation.Builder images, String where) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new InvalidInputException(where + " is " + text(parser) + "; an image is " + IMAGE);
        }
        int offset = images.add();
        byte[] pixels = images.pixels();
        JsonToken token = parser.nextToken();
        if (token != JsonToken.START_ARRAY) { // 784 numbers
            int values = 0;
            for (; token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                int value = value(parser);
                if (value < 0) {
                    throw notPixel(parser, where + "[" + values + "]");
                }
                if (values < DigitModel.PIXELS) {
                    pixels[offset + values] = (byte) value;
                }
                values++;
            }
            if (values != DigitModel.PIXELS) {
                throw new InvalidInputException(where + " has " + values + " values; an image is " + DigitModel.PIXELS
                        + " (28x28, row by row)");
            }
            return;
        }
        int rows = 0; // 28 rows of 28
        for (; token == JsonToken.START_ARRAY; token = parser.nextToken(), rows++) {
            int values = 0;
            for (token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken(), values++) {
                int value = value(parser);
                if (value < 0) {
                    throw notPixel(parser, where + "[" + rows + "][" + values + "]");
                }
                if (rows < SIDE && values < SIDE) {
                    pixels[offset + rows * SIDE + values] = (byte) value;
                }
            }
            if (values != SIDE) {
                throw new InvalidInputException(where + "[" + rows + "] has " + values + " values; a row is " + SIDE);
            }
        }
        if (token != JsonToken.END_ARRAY) {
            throw new InvalidInputException(where + "[" + rows + "] is " + text(parser) + "; an image is " + IMAGE);
        }
        if (rows != SIDE) {
            throw new InvalidInputException(where + " has " + rows + " rows; an image is " + SIDE + " rows of " + SIDE);
        }
    }

    /** The pixel at the current token; -1 if it is not a number 0-255. */
    private static int value(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == JsonParser.NumberType.INT
                                && parser.getIntValue() >= 0
                                && parser.getIntValue() <= 255
                        ? parser.getIntValue()
                        : -1;
            case VALUE_NUMBER_FLOAT -> Invocation.pixel(parser.getDoubleValue());
            default -> -1;
        };
    }

    private static InvalidInputException notPixel(JsonParser parser, String where) throws IOException {
        return new InvalidInputException(where + " is " + text(parser) + "; pixels are numbers 0-255");
    }

    private static String text(JsonParser parser) throws IOException {
        return switch (parser.currentToken()) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "\"" + parser.getText() + "\"";
            default -> parser.getText();
        };
    }
}
