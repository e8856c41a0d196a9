package dev.uqabench.base;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A config key whose default follows another key of the same record: when a config file sets the parent but not
 * this key, {@link ConfigLoader} scales this key's default in proportion (a warm-up of 50 of 1,200 steps becomes
 * 1 of 30 steps), instead of keeping a default the new parent makes invalid.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface DerivedFrom {

    /** The parent's record component name (camelCase, as in Java). */
    String value();
}
