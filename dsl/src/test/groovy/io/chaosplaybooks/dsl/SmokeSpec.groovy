package io.chaosplaybooks.dsl
import spock.lang.Specification
import java.nio.file.Path
class SmokeSpec extends Specification {
  def "files"() {
    when:
    def r = new PlaybookLoader().load(Path.of('../' + f))
    println r.formatProblems()
    println r.playbook()?.scenarios()*.name
    then:
    r.ok()
    where:
    f << ['playbooks/all.groovy', 'playbooks/smoke.groovy', 'stdlib-scenarios/packet-loss.groovy', 'stdlib-scenarios/all.groovy']
  }
}
