package dev.gatehouse.user;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import java.util.Locale;

/** Whether a user may sign in and use tokens; stored by its lower-case name (docs/api.md "GET /api/admin/users"). */
public enum UserStatus {
    ACTIVE, SUSPENDED;

    /** The stored and published form: {@code active}, {@code suspended}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stored form as a SQL literal, for the named native statements that compare it. */
    public String sqlLiteral() {
        return "'" + value() + "'";
    }

    public static UserStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Maps the column {@code users.status} (checked by the schema to hold one of the values). */
    @Converter
    public static class Column implements AttributeConverter<UserStatus, String> {

        @Override
        public String convertToDatabaseColumn(UserStatus status) {
            return status == null ? null : status.value();
        }

        @Override
        public UserStatus convertToEntityAttribute(String value) {
            return value == null ? null : of(value);
        }
    }
}
