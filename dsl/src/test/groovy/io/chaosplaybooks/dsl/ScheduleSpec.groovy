package io.chaosplaybooks.dsl

import io.chaosplaybooks.dsl.plan.Schedule
import spock.lang.Specification

import java.time.Duration
import java.time.Instant
import java.time.LocalDateTime
import java.time.ZoneId

/**
 * Schedules in the language: good expressions give plan records with their positions; a bad one is one
 * problem at the line and column inside the string where cron-utils finds it wrong.
 */
class ScheduleSpec extends Specification {
    static final String BODY = '{ stabilize 1.s }'

    static LoadResult load(String text) {
        new PlaybookLoader().loadText('t.groovy', text)
    }

    def "good: #snippet"() {
        when:
        def result = load(snippet)

        then:
        result.problems() == []
        def all = result.playbook().schedules() + result.playbook().scenarios()*.schedules().flatten()
        all.size() == 1
        Schedule s = all[0]
        s.kind() == kind
        s.text() == text
        s.pos().line() == 1
        s.zone() == (zone ? ZoneId.of(zone) : ZoneId.systemDefault())
        s.zoneGiven() == (zone != null)
        ScheduleTimes.describe(s) == description

        where:
        snippet                                                                             || kind                | text                                 | zone           | description
        "schedule '0 3 * * MON-FRI'\nscenario 'a' $BODY"                                    || Schedule.Kind.CRON  | '0 3 * * MON-FRI'                    | null           | 'at 03:00 every day between Monday and Friday'
        "scenario 'a' { schedule '*/15 * * * *'; stabilize 1.s }"                           || Schedule.Kind.CRON  | '*/15 * * * *'                       | null           | 'every 15 minutes'
        "scenario 'a' { schedule '0 */10 * * * ?', syntax: 'quartz'; stabilize 1.s }"       || Schedule.Kind.CRON  | '0 */10 * * * ? (quartz)'            | null           | 'every 10 minutes'
        "schedule '0 3 * * *', zone: 'Europe/Paris'\nscenario 'a' $BODY"                    || Schedule.Kind.CRON  | '0 3 * * *'                          | 'Europe/Paris' | 'at 03:00'
        "every 6.h\nscenario 'a' $BODY"                                                     || Schedule.Kind.EVERY | 'every 6 h'                          | null           | 'every 6 h'
        "scenario 'a' { every 30.min, zone: 'UTC'; stabilize 1.s }"                         || Schedule.Kind.EVERY | 'every 30 min'                       | 'UTC'          | 'every 30 min'
        "once at: '2027-01-15T03:00'\nscenario 'a' $BODY"                                   || Schedule.Kind.ONCE  | 'once at 2027-01-15T03:00'           | null           | 'once, at 2027-01-15 03:00'
        "playbook 'p' { scenario 'a' { once at: '2027-01-15T03:00:30', zone: 'Asia/Tokyo'; stabilize 1.s } }" || Schedule.Kind.ONCE | 'once at 2027-01-15T03:00:30' | 'Asia/Tokyo' | 'once, at 2027-01-15 03:00:30'
    }

    def "bad: #what at #line:#column"() {
        when:
        def result = load(snippet)

        then: 'one problem, inside the string where it is wrong'
        result.problems().size() == 1
        def p = result.problems()[0]
        [p.pos().line(), p.pos().column()] == [line, column]
        p.message().contains(fragment)
        !result.ok()

        and: 'the caret is under it'
        def lines = result.formatProblems().readLines()
        lines[2] == '  ' + ' ' * (column - 1) + '^'

        where:
        what                        | snippet                                                                        || line | column | fragment
        'minute out of range'       | "schedule '61 * * * *'\nscenario 'a' $BODY"                                    || 1    | 11     | "minute field '61': Value 61 not in range [0, 59]"
        'hour out of range'         | "schedule '0 25 * * *'\nscenario 'a' $BODY"                                    || 1    | 13     | "hour field '25'"
        'value inside a list'       | "schedule '1,2,99 * * * *'\nscenario 'a' $BODY"                                || 1    | 15     | 'Value 99 not in range'
        'day of month 32'           | "scenario 'a' {\n  schedule '0 3 32 * *'\n  stabilize 1.s\n}"                  || 2    | 17     | "day of month field '32'"
        'unknown day name'          | "schedule '0 3 * * MON-FRY'\nscenario 'a' $BODY"                               || 1    | 23     | "day of week field 'MON-FRY': invalid characters 'FRY'"
        'day of week 9'             | "schedule '0 3 * * 1-9'\nscenario 'a' $BODY"                                   || 1    | 21     | 'Value 9 not in range [0, 7]'
        'period zero'               | "schedule '*/0 * * * *'\nscenario 'a' $BODY"                                   || 1    | 13     | 'Period 0 not in range'
        'backwards range'           | "schedule '0 5-2 * * *'\nscenario 'a' $BODY"                                   || 1    | 13     | "hour field '5-2': invalid range 5-2"
        'letters'                   | "schedule '0 3 * x *'\nscenario 'a' $BODY"                                     || 1    | 17     | "month field 'x'"
        'too few fields'            | "schedule '0 3 * *'\nscenario 'a' $BODY"                                       || 1    | 18     | 'has 5 fields, this one has 4'
        'too many fields'           | "schedule '0 3 * * * *'\nscenario 'a' $BODY"                                   || 1    | 21     | 'add syntax: "quartz"'
        'never fires: 30 February'  | "schedule '0 0 30 2 *'\nscenario 'a' $BODY"                                    || 1    | 11     | 'never fires'
        'never fires: 31 April'     | "scenario 'a' { schedule '0 0 31 4 *'; stabilize 1.s }"                       || 1    | 26     | 'never fires'
        'quartz: both day fields'   | "schedule '0 0 3 * * MON', syntax: 'quartz'\nscenario 'a' $BODY"               || 1    | 21     | "quartz wants '?'"
        'quartz: seconds 60'        | "schedule '60 * * * * ?', syntax: 'quartz'\nscenario 'a' $BODY"                || 1    | 11     | "second field '60'"
        'quartz: sixth Monday'      | "schedule '0 0 0 ? * MON#6', syntax: 'quartz'\nscenario 'a' $BODY"             || 1    | 11     | 'never fires'
        'unknown syntax'            | "schedule '0 3 * * *', syntax: 'quarts'\nscenario 'a' $BODY"                   || 1    | 32     | "did you mean 'quartz'?"
        'unknown zone'              | "schedule '0 3 * * *', zone: 'Europe/Pariss'\nscenario 'a' $BODY"              || 1    | 30     | "unknown zone \"Europe/Pariss\" (a region such as Europe/Paris, or UTC); did you mean 'Europe/Paris'?"
        'unknown option'            | "schedule '0 3 * * *', zome: 'UTC'\nscenario 'a' $BODY"                        || 1    | 1      | "did you mean 'zone'?"
        'every zero'                | "every 0.s\nscenario 'a' $BODY"                                                || 1    | 1      | 'every needs a period of at least 1 s, got 0 ms'
        'every negative'            | "scenario 'a' { every(-5.min); stabilize 1.s }"                              || 1    | 16     | 'every needs a period of at least 1 s'
        'every a number'            | "every 6\nscenario 'a' $BODY"                                                  || 1    | 1      | 'every does not take 6 (a number)'
        'once: bad month'           | "once at: '2027-13-15T03:00'\nscenario 'a' $BODY"                              || 1    | 11     | 'once at: wants a local date and time'
        'once: bad hour'            | "once at: '2027-01-15T3:00'\nscenario 'a' $BODY"                               || 1    | 22     | 'such as 2027-01-15T03:00'
        'once: no date'             | "once zone: 'UTC'\nscenario 'a' $BODY"                                         || 1    | 1      | 'once needs a date and time'
        'schedule in parallel'      | "scenario 'a' { parallel { schedule '0 3 * * *'; stabilize 1.s } }"          || 1    | 27     | 'schedule'
    }

    def "an expression from a variable is reported at the call"() {
        when:
        def result = load("def nightly = '0 3 * *'\nscenario 'a' { schedule nightly; stabilize 1.s }")

        then:
        result.problems()*.pos()*.toString() == ['t.groovy:2:16']
        result.problems()[0].message().contains('has 5 fields, this one has 4')
    }

    def "next fire times: cron in its zone, every from the time asked, once then nothing"() {
        given:
        def at = new io.chaosplaybooks.dsl.plan.SourcePos('t.groovy', 1, 1)
        def paris = ZoneId.of('Europe/Paris')
        def from = Instant.parse('2026-12-02T15:00:00Z') // a Wednesday, 16:00 in Paris

        expect:
        ScheduleTimes.next(Schedule.cron('0 3 * * MON-FRI', Schedule.Syntax.UNIX, paris, true, at), from, 3)*.toString() ==
            ['2026-12-03T03:00+01:00[Europe/Paris]', '2026-12-04T03:00+01:00[Europe/Paris]', '2026-12-07T03:00+01:00[Europe/Paris]']
        ScheduleTimes.next(Schedule.cron('*/20 * * * * ?', Schedule.Syntax.QUARTZ, ZoneId.of('UTC'), true, at), from.plusMillis(300), 2)*.toInstant() ==
            [Instant.parse('2026-12-02T15:00:20Z'), Instant.parse('2026-12-02T15:00:40Z')]
        ScheduleTimes.next(Schedule.every(Duration.ofHours(6), paris, true, at), from, 2)*.toInstant() ==
            [from.plus(Duration.ofHours(6)), from.plus(Duration.ofHours(12))]
        ScheduleTimes.next(Schedule.once(LocalDateTime.parse('2027-01-15T03:00'), paris, true, at), from, 3)*.toString() ==
            ['2027-01-15T03:00+01:00[Europe/Paris]']
        ScheduleTimes.next(Schedule.once(LocalDateTime.parse('2020-01-15T03:00'), paris, true, at), from, 3) == []
    }

    def "a playbook cannot reach cron-utils nor the schedule machinery, and schedule gives it nothing"() {
        when:
        def result = load(snippet)

        then:
        !result.ok()
        result.problems()[0].message().contains(fragment)

        where:
        snippet                                                                              || fragment
        "io.chaosplaybooks.dsl.ScheduleTimes.describe('0 3 * * *', null)"                    || 'not allowed in a playbook'
        "new com.cronutils.parser.CronParser(null)"                                          || 'not allowed in a playbook'
        "com.cronutils.model.definition.CronDefinitionBuilder.instanceDefinitionFor(null)"   || 'not allowed in a playbook'
        "def s = schedule('0 3 * * *'); s.zone()\nscenario 'a' $BODY"                         || 'on null object'
    }
}
