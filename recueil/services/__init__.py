"""Business services: the rules of the platform, independent of the views."""


def includeme(config):
    config.include(".mail")
    config.include(".references")
    config.include(".retention")
