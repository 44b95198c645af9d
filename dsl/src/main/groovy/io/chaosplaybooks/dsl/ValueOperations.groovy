package io.chaosplaybooks.dsl

import groovy.transform.CompileStatic
import groovy.transform.PackageScope
import org.codehaus.groovy.reflection.CachedClass
import org.codehaus.groovy.runtime.InvokerHelper

import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.util.concurrent.ConcurrentHashMap
import java.util.regex.Matcher
import java.util.regex.Pattern

/**
 * What a playbook may do besides the language's own words: the allow list for plain values.
 * <ul>
 * <li>Receivers: strings, numbers, booleans, characters, collections, maps, ranges, arrays,
 *     iterators, regex matches, {@code java.time} values, closures (to call them), and the
 *     language's own values (faults, targets, stages, plan records).</li>
 * <li>On a plain value, a method of its Java type or a Groovy method made for that type; Groovy's
 *     methods for any object are allowed only from {@link #ANY_OBJECT}.</li>
 * <li>Static methods and constants of {@link #STATIC_OWNERS} (Math, number types, java.time...).</li>
 * <li>{@code new} of {@link #CONSTRUCTIBLE} only; variables, parameters and casts of value types only.</li>
 * </ul>
 * Everything else (files, sockets, processes, threads, reflection, class loaders, the JVM, metaclasses,
 * the evaluation's own machinery) is refused where it is written.
 */
@PackageScope
@CompileStatic
final class ValueOperations {
    private ValueOperations() {}

    /** Refused on every receiver: they reach the runtime's machinery or the world outside, or rebind a closure. */
    static final Set<String> NEVER = ([
        'getClass', 'class', 'metaClass', 'getMetaClass', 'setMetaClass', 'invokeMethod', 'getProperty', 'setProperty',
        'properties', 'getProperties', 'getMetaPropertyValues', 'respondsTo', 'hasProperty', 'getMetaMethod',
        'with', 'tap', 'identity', 'use', 'mixin', 'withTraits', 'asType', 'sleep', 'addShutdownHook',
        'print', 'println', 'printf', 'dump', 'execute', 'toURL', 'toURI', 'evaluate', 'run',
        'wait', 'notify', 'notifyAll', 'finalize', 'clone', 'forName', 'newInstance', 'getClassLoader', 'classLoader',
        'rehydrate', 'dehydrate', 'setDelegate', 'getDelegate', 'delegate', 'getOwner', 'owner', 'getThisObject',
        'thisObject', 'setResolveStrategy', 'setDirective', 'asWritable', 'writeTo', 'methodMissing', 'propertyMissing'
    ] as Set<String>).asImmutable()

    /** Groovy's methods for any object that are plain value operations. */
    static final Set<String> ANY_OBJECT = ([
        'equals', 'hashCode', 'toString', 'compareTo', 'is', 'isCase', 'asBoolean', 'inspect', 'each', 'eachWithIndex',
        'collect', 'find', 'findAll', 'findIndexOf', 'any', 'every', 'inject', 'grep', 'split', 'iterator', 'in',
        'getAt', 'putAt', 'plus', 'minus', 'multiply', 'div', 'negative', 'next', 'previous', 'size', 'max', 'min', 'sum',
        'join', 'sort', 'unique', 'count', 'collectEntries', 'collectMany', 'findResult', 'findResults', 'first', 'last',
        'isEmpty', 'contains', 'length', 'abs', 'round', 'toInteger', 'toLong', 'toDouble', 'toBigDecimal', 'toList',
        'toSet', 'toSorted', 'intdiv', 'power', 'mod', 'leftShift', 'or', 'and', 'xor', 'bitwiseNegate', 'upto', 'downto',
        'step', 'times', 'format'
    ] as Set<String>).asImmutable()

    /** Classes whose static methods and constants a playbook may use. */
    static final Set<Class> STATIC_OWNERS = ([
        Math, StrictMath, Integer, Long, Short, Byte, Double, Float, Boolean, Character, String, BigDecimal, BigInteger,
        Collections, Arrays, List, Map, Set, Objects, Pattern,
        java.time.Duration, java.time.Period, java.time.Instant, java.time.LocalDate, java.time.LocalTime,
        java.time.LocalDateTime, java.time.ZonedDateTime, java.time.OffsetDateTime, java.time.ZoneId, java.time.ZoneOffset,
        java.time.DayOfWeek, java.time.Month, java.time.Year, java.time.YearMonth, java.time.MonthDay,
        java.time.temporal.ChronoUnit, java.time.format.DateTimeFormatter
    ] as Set<Class>).asImmutable()

    /** System offers one value operation to a playbook: reading an environment variable, to parameterise it. */
    static final Set<String> SYSTEM_STATICS = (['getenv'] as Set<String>).asImmutable()

    /** Types a playbook may create with {@code new}. */
    static final Set<Class> CONSTRUCTIBLE = ([
        Object, String, StringBuilder, BigDecimal, BigInteger, Integer, Long, Double, ArrayList, LinkedList, HashMap,
        LinkedHashMap, TreeMap, HashSet, LinkedHashSet, TreeSet, ArrayDeque
    ] as Set<Class>).asImmutable()

    /** Types of variables, parameters, results and casts besides those above: a cast may call a constructor. */
    static final Set<Class> DECLARABLE = ([
        Object, Number, CharSequence, GString, Comparable, Iterable, Collection, List, Set, Map, Map.Entry, Iterator,
        Range, IntRange, ObjectRange, Closure, Short, Byte, Float, Boolean, Character, Deque, Queue, SortedMap, SortedSet,
        Matcher, Pattern, Object[], String[]
    ] as Set<Class>).asImmutable()

    private static final String DSL_PACKAGE = 'io.chaosplaybooks.dsl.'
    /** The language's machinery: never a receiver in a playbook, only its values are. */
    private static final Set<String> DSL_INTERNALS = ([
        Evaluation, PlaybookLoader, PlaybookScript, PlaybookContext, StepsContext, ScenarioContext, LoadContext,
        CompiledPlaybookCache, ValueOperations, CheckedCalls, Words, SideEffectGuard, PlaybookAstCustomizer
    ].collect { Class c -> c.name } as Set<String>).asImmutable()

    static boolean isDslValue(Class c) {
        String n = c.name
        // A playbook's "text ${v}" is a PlaybookText: a string, not one of the language's values.
        !GString.isAssignableFrom(c) && n.startsWith(DSL_PACKAGE) && !DSL_INTERNALS.contains(n) && !DSL_INTERNALS.contains(n.replaceFirst(/\$.*/, ''))
    }

    static boolean isDslStaticOwner(Class c) {
        c.name.startsWith(DSL_PACKAGE + 'plan.') || c.name.startsWith(DSL_PACKAGE + 'units.')
    }

    static boolean isValue(Class c) {
        CharSequence.isAssignableFrom(c) || Number.isAssignableFrom(c) || c == Boolean || c == Character
            || Collection.isAssignableFrom(c) || Map.isAssignableFrom(c) || Map.Entry.isAssignableFrom(c)
            || Iterator.isAssignableFrom(c) || c.isArray() || c == Matcher || c == Pattern || c.isEnum() && c.name.startsWith('java.time.')
            || c.name.startsWith('java.time.') || c == Optional
    }

    /** Whether a variable, parameter or cast may have this type. */
    static boolean declarable(Class c) {
        if (c.isPrimitive() || DECLARABLE.contains(c) || CONSTRUCTIBLE.contains(c) || STATIC_OWNERS.contains(c)) return true
        if (c.isArray()) return declarable(c.componentType)
        c.name.startsWith('java.time.') || c.name.startsWith(DSL_PACKAGE) && (isDslValue(c) || isDslStaticOwner(c))
    }

    /** Null when {@code Type.name(...)} or {@code Type.name} is allowed; else what is refused. */
    static String staticRefusal(Class owner, String name) {
        String what = "${owner.name}.${name}"
        if (NEVER.contains(name)) return what
        if (owner == System) return SYSTEM_STATICS.contains(name) ? null : what
        if (!STATIC_OWNERS.contains(owner) && !isDslStaticOwner(owner)) return what
        boolean found = owner.methods.any { Method m -> Modifier.isStatic(m.modifiers) && m.name == name } ||
            owner.fields.any { it.name == name && Modifier.isStatic(it.modifiers) } ||
            owner.methods.any { Method m -> Modifier.isStatic(m.modifiers) && m.parameterCount == 0 && m.name == getter(name) } ||
            owner.enum && owner.enumConstants.any { it.toString() == name }
        found ? null : what
    }

    private static String getter(String name) {
        name ? 'get' + name.substring(0, 1).toUpperCase() + name.substring(1) : name
    }

    private static final ClassValue<Map<String, Optional<String>>> DECISIONS = new ClassValue<Map<String, Optional<String>>>() {
        @Override
        protected Map<String, Optional<String>> computeValue(Class<?> type) { new ConcurrentHashMap<String, Optional<String>>() }
    }

    /** Null when calling {@code name} (a method or a property) on this receiver is allowed; else what is refused. */
    static String refusal(Object receiver, String name) {
        if (receiver instanceof Class) return staticRefusal((Class) receiver, name)
        if (NEVER.contains(name)) return "'${name}'" + (receiver == null ? '' : " on ${describe(receiver.getClass())}")
        if (receiver == null) return null
        Class type = receiver.getClass()
        Map<String, Optional<String>> known = DECISIONS.get(type)
        Optional<String> d = known.get(name)
        if (d == null) {
            d = Optional.ofNullable(decide(receiver, type, name))
            known.put(name, d)
        }
        d.orElse(null)
    }

    /**
     * What a refusal says. Built only when something is refused, with plain concatenation: a GString made for
     * every decision would start Groovy's string formatting, whose first use scans the class path (about a tenth
     * of a validate's time on a good playbook).
     */
    private static String refused(String name, Class type) {
        "'" + name + "' on " + describe(type)
    }

    private static String decide(Object receiver, Class type, String name) {
        if (receiver instanceof Closure) return name in ['call', 'doCall', 'curry', 'rcurry', 'ncurry', 'memoize', 'getMaximumNumberOfParameters', 'getParameterTypes', 'maximumNumberOfParameters', 'parameterTypes'] ? null : refused(name, type)
        boolean dsl = isDslValue(type)
        if (!dsl && !isValue(type)) return refused(name, type)
        if (Map.isAssignableFrom(type)) return null // m.key reads an entry; methods of a map are value operations
        def methods = InvokerHelper.getMetaClass(type).respondsTo(receiver, name)
        if (methods.isEmpty()) methods = InvokerHelper.getMetaClass(type).respondsTo(receiver, getter(name))
        if (methods.isEmpty()) return null // nothing real answers: the language's "unknown" message, or Groovy's
        for (def m : methods) {
            Class declaring = ((CachedClass) m.declaringClass).theClass
            if (dsl ? declaring.name.startsWith(DSL_PACKAGE) : (declaring != Object && declaring != GroovyObject)) return null
        }
        ANY_OBJECT.contains(name) ? null : refused(name, type)
    }

    static String describe(Class type) {
        if (CharSequence.isAssignableFrom(type)) return 'a string'
        if (Number.isAssignableFrom(type)) return 'a number'
        if (Closure.isAssignableFrom(type)) return 'a block'
        if (List.isAssignableFrom(type)) return 'a list'
        if (Map.isAssignableFrom(type)) return 'a map'
        String name = type.name.startsWith(DSL_PACKAGE) ? type.simpleName : type.name
        ('AEIOU'.indexOf(name.take(1)) >= 0 ? 'an ' : 'a ') + name
    }
}
