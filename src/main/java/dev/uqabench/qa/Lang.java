package dev.uqabench.qa;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.uqabench.base.UqaException;

/** Language of the question text: Chinese like the UQABench release, or English. */
public enum Lang {
    ZH("zh"),
    EN("en");

    private final String code;

    Lang(String code) {
        this.code = code;
    }

    /** "zh" or "en", as stored in question files and written in configs. */
    @JsonValue
    public String code() {
        return code;
    }

    @JsonCreator
    public static Lang fromCode(String code) {
        for (Lang lang : values()) {
            if (lang.code.equals(code)) {
                return lang;
            }
        }
        throw new UqaException("unknown language '" + code + "' (expected zh or en)");
    }
}
