package dev.gatehouse.common;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Text a person typed (docs/api.md "Input rules"): no control character, no lone surrogate (JSON's
 * {@code "\ud800"} would otherwise become {@code ?} on the way to UTF-8), no unassigned code point and
 * no default-ignorable one (zero-width characters, bidi controls, variation selectors); with
 * {@code spaces = false} (emails) no space or line separator either. Null is valid.
 */
@Documented
@Constraint(validatedBy = PlainText.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface PlainText {

    boolean spaces() default true;

    String message() default "must not contain control, invisible or unassigned characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<PlainText, String> {
        private boolean spaces;

        @Override
        public void initialize(PlainText annotation) {
            spaces = annotation.spaces();
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || isPlain(value, spaces);
        }

        /** The rule itself, for input that does not arrive in a validated record (a query parameter). */
        public static boolean isPlain(String value, boolean spaces) {
            return value.codePoints().allMatch(cp -> {
                int type = Character.getType(cp);
                if (type == Character.CONTROL || type == Character.SURROGATE || type == Character.UNASSIGNED
                        || isDefaultIgnorable(cp)) {
                    return false;
                }
                return spaces || !(Character.isWhitespace(cp) || Character.isSpaceChar(cp));
            });
        }

        /**
         * Unicode's Default_Ignorable_Code_Point property (UAX #44, DerivedCoreProperties.txt), which the
         * JDK does not expose: soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul fillers,
         * Khmer inherent vowels, Mongolian variation selectors, zero-width and bidi controls, invisible
         * operators, variation selectors, the byte order mark, shorthand format controls, musical
         * formatting, tags.
         */
        static boolean isDefaultIgnorable(int cp) {
            return cp == 0x00AD || cp == 0x034F || cp == 0x061C || (cp >= 0x115F && cp <= 0x1160)
                    || (cp >= 0x17B4 && cp <= 0x17B5) || (cp >= 0x180B && cp <= 0x180F)
                    || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
                    || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F)
                    || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8)
                    || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A)
                    || (cp >= 0xE0000 && cp <= 0xE0FFF);
        }
    }
}
