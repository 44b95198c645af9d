package io.chaosplaybooks.dsl
import spock.lang.Specification
class SmokeSpec extends Specification {
  def "card example"() {
    when:
    def r = new PlaybookLoader().loadText('card.groovy', 'scenario "packet-loss-10" { stabilize 30.s; inject packetLoss(0.1) on server(1) for 1.min; recover 60.s }')
    println r.formatProblems()
    println r.playbook()
    then:
    r.ok()
  }
}
