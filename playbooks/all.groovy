// The main job: every scenario of the shipped library, in order, against three memcached servers.
// About 40 minutes at full time; `chaos run playbooks/all.groovy --time-scale 0.05` for a quick pass.
playbook "all" {
    description "Every stdlib scenario in order: packet loss, latency, and two-of-three failures"
    servers 3
    load {
        clients 50
        mix get: 0.9, set: 0.1
        keys 10_000
        valueSize 100.bytes
        timeout 100.ms
        breaker failureRate: 50.percent, openFor: 5.s
    }
    include "stdlib:all"
}
