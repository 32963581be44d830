#ifndef WARMSTART_CRDKAFKA_SHIM_H
#define WARMSTART_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/*
 * Swift cannot call C variadic functions. rd_kafka_mock_broker_push_request_error_rtts() takes
 * (err, rtt_ms) pairs as varargs and has no array form in librdkafka 2.0.2, so this pushes one pair;
 * pushing several in a row appends them in order (the mock's error stack is consumed first-in first-out).
 */
static inline rd_kafka_resp_err_t
warmstart_mock_broker_push_request_error_rtt(rd_kafka_mock_cluster_t *mcluster,
                                             int32_t broker_id,
                                             int16_t api_key,
                                             rd_kafka_resp_err_t err,
                                             int rtt_ms) {
        return rd_kafka_mock_broker_push_request_error_rtts(mcluster, broker_id, api_key, 1, err, rtt_ms);
}

#endif
